; tessera-entry: move_within(ptr, u32, u32, u32, u32) -> u32
; tessera-run: hex:000102030405060708090a0b0c0d0e0f 16 0 3 10
; tessera-run: hex:000102030405060708090a0b0c0d0e0f 16 5 1 11
; tessera-run: hex:aabbccdd 4 1 1 3
; tessera-run: hex:aabbccdd 4 2 0 9
;
; Hand-written LLVM IR: llvm.memmove between overlapping ranges of one buffer, in both
; directions (forward copy must not smear bytes), then llvm.memset of a variable length on
; the tail; the ranges are checked against the length first (out of range returns -1
; without touching the buffer). Returns a checksum of the buffer.

declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

define i32 @move_within(ptr %buf, i32 %len, i32 %from, i32 %to, i32 %n) {
entry:
  %len64 = zext i32 %len to i64
  %from64 = zext i32 %from to i64
  %to64 = zext i32 %to to i64
  %n64 = zext i32 %n to i64
  %src_end = add i64 %from64, %n64
  %dst_end = add i64 %to64, %n64
  %src_ok = icmp ule i64 %src_end, %len64
  %dst_ok = icmp ule i64 %dst_end, %len64
  %ok = and i1 %src_ok, %dst_ok
  br i1 %ok, label %move, label %bad

move:
  %src = getelementptr inbounds i8, ptr %buf, i64 %from64
  %dst = getelementptr inbounds i8, ptr %buf, i64 %to64
  call void @llvm.memmove.p0.p0.i64(ptr %dst, ptr %src, i64 %n64, i1 false)
  %tail = getelementptr inbounds i8, ptr %buf, i64 %dst_end
  %rest = sub i64 %len64, %dst_end
  call void @llvm.memset.p0.i64(ptr %tail, i8 -18, i64 %rest, i1 false)
  br label %sum

sum:
  %i = phi i64 [ 0, %move ], [ %i.next, %sum.body ]
  %acc = phi i32 [ 0, %move ], [ %acc.next, %sum.body ]
  %done = icmp eq i64 %i, %len64
  br i1 %done, label %exit, label %sum.body

sum.body:
  %p = getelementptr inbounds i8, ptr %buf, i64 %i
  %byte = load i8, ptr %p
  %byte32 = zext i8 %byte to i32
  %acc.mul = mul i32 %acc, 257
  %acc.next = add i32 %acc.mul, %byte32
  %i.next = add i64 %i, 1
  br label %sum

exit:
  ret i32 %acc

bad:
  ret i32 -1
}
