; tessera-entry: is_prime(u32) -> bool
; tessera-run: 97
; tessera-run: 1
; tessera-run: 4294967295
; tessera-run: 1000003
;
; Hand-written LLVM IR: trial division by odd numbers up to the square root, returning i1.
; Phis, a loop with two exits, urem, a 64-bit square compared against the input, and a
; switch on small values.

define zeroext i1 @is_prime(i32 %n) {
entry:
  switch i32 %n, label %general [
    i32 0, label %no
    i32 1, label %no
    i32 2, label %yes
    i32 3, label %yes
  ]

general:
  %low = and i32 %n, 1
  %even = icmp eq i32 %low, 0
  br i1 %even, label %no, label %loop

loop:
  %d = phi i32 [ 3, %general ], [ %d.next, %next ]
  %d64 = zext i32 %d to i64
  %sq = mul nuw nsw i64 %d64, %d64
  %n64 = zext i32 %n to i64
  %past = icmp ugt i64 %sq, %n64
  br i1 %past, label %yes, label %check

check:
  %r = urem i32 %n, %d
  %divides = icmp eq i32 %r, 0
  br i1 %divides, label %no, label %next

next:
  %d.next = add nuw i32 %d, 2
  br label %loop

yes:
  ret i1 true

no:
  ret i1 false
}
