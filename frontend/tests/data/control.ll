; Loops with phis, a switch, calls between functions, unreachable.
define i32 @sum_to(i32 %n) {
entry:
  %empty = icmp eq i32 %n, 0
  br i1 %empty, label %exit, label %loop

loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %acc = phi i32 [ 0, %entry ], [ %acc.next, %loop ]
  %sq = call i32 @square(i32 %i)
  %acc.next = add i32 %acc, %sq
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop

exit:
  %r = phi i32 [ 0, %entry ], [ %acc.next, %loop ]
  %k = call i32 @classify(i32 %r)
  %out = add i32 %r, %k
  ret i32 %out
}

define i32 @square(i32 %x) {
  %m = mul i32 %x, %x
  ret i32 %m
}

define i32 @classify(i32 %x) {
entry:
  switch i32 %x, label %other [
    i32 0, label %zero
    i32 7, label %seven
    i32 -3, label %minus
  ]

zero:
  %z = call i32 @square(i32 %x)
  br label %join

seven:
  %s = add i32 %x, 63
  br label %join

minus:
  %m = mul i32 %x, 5
  br label %join

other:
  %o = xor i32 %x, 12345
  br label %join

join:
  %r = phi i32 [ %z, %zero ], [ %s, %seven ], [ %m, %minus ], [ %o, %other ]
  ret i32 %r
}

define void @never() {
entry:
  unreachable
}

; Not reachable from the entries above: its float must not matter.
define double @unrelated(double %x) {
  %y = fadd double %x, 1.0
  ret double %y
}

@square_alias = alias i32 (i32), ptr @square

define i32 @via_alias(i32 %x) {
entry:
  %r = call i32 @square_alias(i32 %x)
  ret i32 %r
}
