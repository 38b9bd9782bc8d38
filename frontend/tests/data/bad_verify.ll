define i32 @f(i32 %x) {
entry:
  br label %next
next:
  %y = add i32 %x, %z
  %z = add i32 %y, 1
  ret i32 %z
}
