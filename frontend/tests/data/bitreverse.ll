; llvm.bitreverse has no tessera intrinsic: the frontend expands it (masks, shifts, bswap).
define i64 @rev(i64 %x, i8 %w) {
entry:
  switch i8 %w, label %w64 [
    i8 1, label %w1
    i8 7, label %w7
    i8 8, label %w8
    i8 16, label %w16
    i8 24, label %w24
    i8 32, label %w32
  ]

w1:
  %t1 = trunc i64 %x to i1
  %r1 = call i1 @llvm.bitreverse.i1(i1 %t1)
  %z1 = zext i1 %r1 to i64
  ret i64 %z1

w7:
  %t7 = trunc i64 %x to i7
  %r7 = call i7 @llvm.bitreverse.i7(i7 %t7)
  %z7 = zext i7 %r7 to i64
  ret i64 %z7

w8:
  %t8 = trunc i64 %x to i8
  %r8 = call i8 @llvm.bitreverse.i8(i8 %t8)
  %z8 = zext i8 %r8 to i64
  ret i64 %z8

w16:
  %t16 = trunc i64 %x to i16
  %r16 = call i16 @llvm.bitreverse.i16(i16 %t16)
  %z16 = zext i16 %r16 to i64
  ret i64 %z16

w24:
  %t24 = trunc i64 %x to i24
  %r24 = call i24 @llvm.bitreverse.i24(i24 %t24)
  %z24 = zext i24 %r24 to i64
  ret i64 %z24

w32:
  %t32 = trunc i64 %x to i32
  %r32 = call i32 @llvm.bitreverse.i32(i32 %t32)
  %z32 = zext i32 %r32 to i64
  ret i64 %z32

w64:
  %r64 = call i64 @llvm.bitreverse.i64(i64 %x)
  ret i64 %r64
}

declare i1 @llvm.bitreverse.i1(i1)
declare i7 @llvm.bitreverse.i7(i7)
declare i8 @llvm.bitreverse.i8(i8)
declare i16 @llvm.bitreverse.i16(i16)
declare i24 @llvm.bitreverse.i24(i24)
declare i32 @llvm.bitreverse.i32(i32)
declare i64 @llvm.bitreverse.i64(i64)
