; Integers wider than 64 bits and aggregate return values, which the frontend converts.
define i64 @wide(i64 %a, i64 %b) {
entry:
  %x = zext i64 %a to i128
  %y = zext i64 %b to i128
  %m = mul i128 %x, %y
  %h = lshr i128 %m, 64
  %r = trunc i128 %h to i64
  ret i64 %r
}

define i128 @wide_const(i128 %a) {
entry:
  %m = mul i128 %a, 170141183460469231731687303715884105727
  %s = ashr i128 %m, 3
  ret i128 %s
}

define i64 @i72_field(ptr %p) {
entry:
  %v = load i72, ptr %p, align 1
  %w = add i72 %v, -1
  store i72 %w, ptr %p, align 1
  %h = lshr i72 %w, 8
  %r = trunc i72 %h to i64
  ret i64 %r
}

define { i32, i64 } @agg_ret(i32 %a) {
entry:
  %p = insertvalue { i32, i64 } poison, i32 %a, 0
  %w = zext i32 %a to i64
  %x = shl i64 %w, 33
  %q = insertvalue { i32, i64 } %p, i64 %x, 1
  ret { i32, i64 } %q
}

define i64 @agg_caller(i32 %a) {
entry:
  %r = call { i32, i64 } @agg_ret(i32 %a)
  %f0 = extractvalue { i32, i64 } %r, 0
  %f1 = extractvalue { i32, i64 } %r, 1
  %z = zext i32 %f0 to i64
  %s = add i64 %z, %f1
  ret i64 %s
}
