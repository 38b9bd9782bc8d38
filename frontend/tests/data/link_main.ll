; Calls @twice, defined in link_callee.ll: the two files are linked into one module.
declare i32 @twice(i32)

define i32 @link_main(i32 %x) {
  %y = call i32 @twice(i32 %x)
  %z = add i32 %y, 1
  ret i32 %z
}
