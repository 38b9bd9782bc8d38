; Struct and array GEPs, constant-expression operands, allocas, memory intrinsics, globals.
%struct.S = type { i8, i32, [3 x i16], ptr }

@arr = global [4 x i32] [i32 1, i32 2, i32 3, i32 4], align 16
@msg = private constant [6 x i8] c"hello\00"
@s = global %struct.S { i8 7, i32 -1, [3 x i16] [i16 1, i16 2, i16 3], ptr getelementptr (i8, ptr @msg, i64 2) }, align 8
@table = global [2 x ptr] [ptr @arr, ptr getelementptr inbounds ([4 x i32], ptr @arr, i64 0, i64 3)]
@self = global ptr @self
@unused = global i32 5

define i32 @fields(ptr %p, i64 %i, i64 %j) {
entry:
  %f1 = getelementptr inbounds %struct.S, ptr %p, i64 %i, i32 1
  %v1 = load i32, ptr %f1, align 4
  %f2 = getelementptr inbounds %struct.S, ptr %p, i64 1, i32 2, i64 %j
  %v2 = load i16, ptr %f2, align 2
  %w2 = zext i16 %v2 to i32
  %g = getelementptr inbounds [4 x i32], ptr @arr, i64 0, i64 %j
  %v3 = load i32, ptr %g, align 4
  %v4 = load volatile i32, ptr getelementptr inbounds ([4 x i32], ptr @arr, i64 0, i64 2), align 8
  %m = load ptr, ptr getelementptr inbounds (%struct.S, ptr @s, i64 0, i32 3), align 8
  %b = getelementptr i8, ptr %m, i64 %i
  %c = load i8, ptr %b, align 1
  %cz = zext i8 %c to i32
  %t = load ptr, ptr getelementptr inbounds ([2 x ptr], ptr @table, i64 0, i64 1), align 8
  %tv = load i32, ptr %t, align 4
  %sp = load ptr, ptr @self, align 8
  %spi = ptrtoint ptr %sp to i32
  %a1 = add i32 %v1, %w2
  %a2 = add i32 %a1, %v3
  %a3 = add i32 %a2, %v4
  %a4 = add i32 %a3, %cz
  %a5 = add i32 %a4, %tv
  %a6 = add i32 %a5, %spi
  %a7 = add i32 %a6, ptrtoint (ptr getelementptr (i8, ptr @arr, i64 4) to i32)
  ret i32 %a7
}

define void @bufs(i64 %n, ptr %dst) {
entry:
  %buf = alloca i32, i64 %n, align 4
  %one = alloca [8 x i8], align 1
  call void @llvm.lifetime.start.p0(i64 8, ptr %one)
  call void @llvm.memset.p0.i64(ptr %buf, i8 0, i64 %n, i1 false)
  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr %buf, i64 %n, i1 false)
  call void @llvm.memmove.p0.p0.i64(ptr %one, ptr @arr, i64 8, i1 false)
  call void @escape(ptr %one)
  call void @llvm.lifetime.end.p0(i64 8, ptr %one)
  store i32 5, ptr getelementptr inbounds ([4 x i32], ptr @arr, i64 0, i64 1), align 4
  ret void
}

define i8 @int_to_ptr(i64 %a) {
entry:
  %p = inttoptr i64 %a to ptr
  %v = load i8, ptr %p, align 1
  ret i8 %v
}

define void @escape(ptr %p) {
  store i8 1, ptr %p, align 1
  ret void
}

declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
