; Defines @twice for link_main.ll.
define i32 @twice(i32 %x) {
  %y = shl i32 %x, 1
  ret i32 %y
}
