//! Memory-mapped reads that survive a file shrinking under them.
//!
//! Reading a mapped page past the current end of its file raises SIGBUS, which would kill
//! the whole scan when some other process truncates a file we are reading. Every live map
//! is registered in a fixed table; a SIGBUS handler looks the faulting address up there
//! and, when it falls in one of our maps, replaces the rest of that map with zero-filled
//! anonymous pages (`mmap(MAP_FIXED | MAP_ANONYMOUS)`) and marks the map as truncated.
//! The read that faulted then sees zeros and the scan of that buffer finishes normally;
//! the caller asks [`MappedFile::truncated`] afterwards and reports the file as changed
//! during the scan instead of trusting its matches. Faults at any other address are
//! passed on to the handler that was installed before ours (Rust's own stack-overflow
//! handler), so nothing else changes. `mmap` is a plain system call, safe to make from a
//! signal handler on Linux.
//!
//! When the table is full, or on other platforms, [`MappedFile::open`] returns `None` and
//! the caller reads the file into a buffer instead.

use std::fs::File;

/// A read-only map of a whole file.
pub struct MappedFile {
    map: memmap2::Mmap,
    #[cfg(target_os = "linux")]
    slot: usize,
}

impl MappedFile {
    /// Maps `len` bytes of `file` (its size when opened), or `None` when it cannot be
    /// mapped safely (empty file, no free slot, mapping refused, unsupported platform).
    pub fn open(file: &File, len: u64) -> Option<MappedFile> {
        #[cfg(target_os = "linux")]
        {
            imp::map(file, len)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (file, len);
            None
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.map
    }

    /// Whether the file shrank while mapped: the bytes past its new end read as zeros.
    pub fn truncated(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            imp::SLOTS[self.slot]
                .faulted
                .load(std::sync::atomic::Ordering::Acquire)
        }
        #[cfg(not(target_os = "linux"))]
        {
            false
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for MappedFile {
    fn drop(&mut self) {
        // Unregister before memmap2 unmaps, so the range is never ours while not mapped.
        imp::release(self.slot);
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::fs::File;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Once;

    use super::MappedFile;

    /// More maps than scanning threads can hold at once; beyond it files are read instead.
    const SLOT_COUNT: usize = 256;

    pub(super) struct Slot {
        in_use: AtomicBool,
        start: AtomicUsize,
        len: AtomicUsize,
        pub(super) faulted: AtomicBool,
    }

    #[allow(clippy::declare_interior_mutable_const)]
    const EMPTY: Slot = Slot {
        in_use: AtomicBool::new(false),
        start: AtomicUsize::new(0),
        len: AtomicUsize::new(0),
        faulted: AtomicBool::new(false),
    };
    pub(super) static SLOTS: [Slot; SLOT_COUNT] = [EMPTY; SLOT_COUNT];

    static INSTALL: Once = Once::new();
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    /// The SIGBUS action in place before ours, to pass foreign faults on to.
    static mut PREVIOUS: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();

    fn page_size() -> usize {
        // SAFETY: sysconf has no preconditions.
        let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if p > 0 {
            p as usize
        } else {
            4096
        }
    }

    fn install() {
        INSTALL.call_once(|| {
            // SAFETY: a zeroed sigaction is a valid value; we fill in the handler, flags
            // and an empty mask before passing it to the kernel, and store the previous
            // action before any map is registered (so before our handler can need it).
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_sigbus as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                let previous = std::ptr::addr_of_mut!(PREVIOUS) as *mut libc::sigaction;
                if libc::sigaction(libc::SIGBUS, &action, previous) == 0 {
                    INSTALLED.store(true, Ordering::Release);
                }
            }
        });
    }

    pub(super) fn map(file: &File, len: u64) -> Option<MappedFile> {
        if len == 0 || len > isize::MAX as u64 {
            return None;
        }
        install();
        if !INSTALLED.load(Ordering::Acquire) {
            return None;
        }
        let slot = SLOTS.iter().position(|s| {
            s.in_use
                .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        })?;
        // SAFETY: read-only private map of a file we opened; a concurrent truncation is
        // turned into zero pages by `on_sigbus` because the map is registered below before
        // any byte of it is read.
        let map = match unsafe { memmap2::MmapOptions::new().len(len as usize).map(file) } {
            Ok(map) => map,
            Err(_) => {
                SLOTS[slot].in_use.store(false, Ordering::Release);
                return None;
            }
        };
        let _ = map.advise(memmap2::Advice::Sequential);
        let s = &SLOTS[slot];
        s.faulted.store(false, Ordering::Relaxed);
        s.len.store(map.len(), Ordering::Relaxed);
        s.start.store(map.as_ptr() as usize, Ordering::Release);
        Some(MappedFile { map, slot })
    }

    pub(super) fn release(slot: usize) {
        let s = &SLOTS[slot];
        s.start.store(0, Ordering::Release);
        s.len.store(0, Ordering::Release);
        s.in_use.store(false, Ordering::Release);
    }

    extern "C" fn on_sigbus(
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        context: *mut libc::c_void,
    ) {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        let addr = unsafe { (*info).si_addr() } as usize;
        for s in SLOTS.iter() {
            let start = s.start.load(Ordering::Acquire);
            let len = s.len.load(Ordering::Acquire);
            if start == 0 || addr < start || addr >= start + len {
                continue;
            }
            let page = page_size();
            let from = addr & !(page - 1);
            let end = (start + len).div_ceil(page) * page;
            // SAFETY: [from, end) lies inside a live read-only map owned by the thread
            // that faulted (it is reading it now); replacing its pages with zero pages
            // keeps the range mapped until the owner unmaps it.
            let replaced = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    end - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if replaced != libc::MAP_FAILED {
                s.faulted.store(true, Ordering::Release);
                return;
            }
            break;
        }
        // Not one of ours: hand it to the previous handler, or die as SIGBUS would.
        // SAFETY: PREVIOUS was written by sigaction before any map was registered.
        unsafe {
            let previous = &*(std::ptr::addr_of!(PREVIOUS) as *const libc::sigaction);
            let handler = previous.sa_sigaction;
            if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
                libc::sigaction(libc::SIGBUS, previous, std::ptr::null_mut());
                return; // the faulting access runs again and gets the default action
            }
            if previous.sa_flags & libc::SA_SIGINFO != 0 {
                let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                    std::mem::transmute(handler);
                f(signal, info, context);
            } else {
                let f: extern "C" fn(libc::c_int) = std::mem::transmute(handler);
                f(signal);
            }
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_truncated_while_mapped_reads_as_zeros_and_is_reported() {
        let dir = std::env::temp_dir().join(format!("palisade-mapped-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("shrinks.txt");
        let mut f = File::create(&path).unwrap();
        f.write_all(&vec![b'a'; 64 * 1024]).unwrap();
        drop(f);
        let file = File::open(&path).unwrap();
        let map = MappedFile::open(&file, 64 * 1024).expect("mapped");
        assert_eq!(map.bytes()[100], b'a');
        assert!(!map.truncated());
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(4096)
            .unwrap();
        // The first page is still file content; the rest faults and reads as zeros.
        let sum: u64 = map.bytes().iter().map(|&b| b as u64).sum();
        assert_eq!(map.bytes()[0], b'a');
        assert!(sum >= 4096 * b'a' as u64);
        assert!(map.truncated());
        drop(map);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
