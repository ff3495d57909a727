//! The global allocator of the tool: mimalloc for small blocks, the system allocator (in huge
//! pages) for large ones.

/// Documents come and go in short-lived buffers on several threads: mimalloc reuses their
/// memory per thread instead of mapping and unmapping it. Blocks of [`LARGE`] bytes or more
/// (the index's tables and sketch) come from the system allocator, which maps
/// each on its own and unmaps it when it is freed: mimalloc would keep a freed block's memory
/// for a while (10 ms in mimalloc 2, the version used; a second in mimalloc 3), and when the
/// exact index tables fold into the sketch that while holds both.
/// The same holds for the sixteen shingle tables as they grow: each growth frees the table's
/// old block, and with a threshold of 4 MiB the blocks mimalloc kept of them added 20 to 35 MB
/// to the peak of `parasift index` on a corpus of 245 MB.
#[global_allocator]
static GLOBAL: Alloc = Alloc;

/// Size from which a block bypasses mimalloc.
const LARGE: usize = 1 << 20;

/// mimalloc for blocks under [`LARGE`] bytes, the system allocator for the others.
struct Alloc;

/// How [`GlobalAlloc`](std::alloc::GlobalAlloc) makes a block (`alloc` or `alloc_zeroed`).
type Make<A> = unsafe fn(&A, std::alloc::Layout) -> *mut u8;

impl Alloc {
    /// A new block: with `system` (in huge pages) when it is large, else with `small`.
    ///
    /// # Safety
    /// The contract of [`GlobalAlloc::alloc`](std::alloc::GlobalAlloc::alloc).
    unsafe fn make(
        layout: std::alloc::Layout,
        system: Make<std::alloc::System>,
        small: Make<mimalloc::MiMalloc>,
    ) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            if layout.size() >= LARGE {
                huge_pages(system(&std::alloc::System, layout), layout.size())
            } else {
                small(&mimalloc::MiMalloc, layout)
            }
        }
    }
}

// SAFETY: each block is freed, grown or shrunk by the allocator that made it: the choice
// depends only on the block's size, and a block that crosses `LARGE` is moved.
unsafe impl std::alloc::GlobalAlloc for Alloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe { Self::make(layout, std::alloc::System::alloc, mimalloc::MiMalloc::alloc) }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        unsafe {
            Self::make(
                layout,
                std::alloc::System::alloc_zeroed,
                mimalloc::MiMalloc::alloc_zeroed,
            )
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from the allocator that `layout.size()` picks.
        unsafe {
            if layout.size() >= LARGE {
                std::alloc::System.dealloc(ptr, layout)
            } else {
                mimalloc::MiMalloc.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new: usize) -> *mut u8 {
        // SAFETY: the caller's contract; a block that changes sides is copied to a block of the
        // other allocator (the `Layout` is valid: same alignment, and `new` is a valid size by
        // the caller's contract).
        unsafe {
            match (layout.size() >= LARGE, new >= LARGE) {
                (true, true) => huge_pages(std::alloc::System.realloc(ptr, layout, new), new),
                (false, false) => mimalloc::MiMalloc.realloc(ptr, layout, new),
                _ => {
                    let to = std::alloc::Layout::from_size_align_unchecked(new, layout.align());
                    let moved = self.alloc(to);
                    if !moved.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new));
                        self.dealloc(ptr, layout);
                    }
                    moved
                }
            }
        }
    }
}

/// Asks for huge pages under the large block at `ptr` (see
/// [`parasift::advise_huge_pages`]: the index's tables are probed at random), and
/// returns `ptr`.
fn huge_pages(ptr: *mut u8, size: usize) -> *mut u8 {
    if !ptr.is_null() {
        parasift::advise_huge_pages(ptr, size);
    }
    ptr
}

/// Has glibc map every block of [`LARGE`] bytes or more on its own (its threshold otherwise
/// rises with the blocks freed, up to 32 MiB, and smaller blocks stay in its heap once freed).
pub fn map_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE as libc::c_int);
    }
}
