// The engine's allocator: the only way TypeScript obtains WASM memory.
// Blocks are 16-byte aligned (TLSF), suitable for v128 loads and stores.
// Allocation failure traps inside the runtime before it mutates any state; src/wasm/abi.ts
// turns that trap into ScanfuseError('OUT_OF_MEMORY') and keeps the engine usable.

/** Allocates `size` bytes (uninitialised). Returns the pointer. */
export function mem_alloc(size: usize): usize {
  return heap.alloc(size);
}

/** Frees a block returned by mem_alloc. Passing 0 is a no-op. */
export function mem_free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}

/** Current linear-memory size in bytes (grows, never shrinks). */
export function mem_size(): usize {
  return <usize>memory.size() << 16;
}
