define i32 @f(i32 %x) {
entry:
  %y = add i32 %x, %undefined_value
  ret i32 %y
}
