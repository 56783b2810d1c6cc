//! Grants: kernel memory allocated for one process from that process's own region.
//!
//! Why: a kernel that allocates per-process state (driver buffers, callbacks) from one shared
//! heap lets one process exhaust it for all. Tock's answer is the grant: each process's memory
//! region ends with space the kernel allocates from, top down, on that process's behalf, so a
//! process can only run *itself* out of memory. Here a `Grants` holds the free part of that
//! space as a `&mut [u8]` and splits allocations off its top end: no pointer arithmetic, no
//! trusted code. Grants are zeroed, since the bytes may hold what an earlier grant left behind.
//!
//! ```
//! use kernel::allocator::Grants;
//! let mut region = [0xAAu8; 64];
//! let mut grants = Grants::new(&mut region);
//! let grant = grants.allocate(10, 4).unwrap();
//! assert_eq!(grant, &[0; 10]);
//! assert!(grants.allocate(64, 1).is_none());
//! ```

#![forbid(unsafe_code)]

/// The unallocated part of one process's grant region.
pub struct Grants<'a> {
    free: &'a mut [u8],
}

impl<'a> Grants<'a> {
    /// Grants from `region`, all of it free.
    pub fn new(region: &'a mut [u8]) -> Self {
        Self { free: region }
    }

    /// Bytes still free (alignment padding may make less of it usable).
    pub fn remaining(&self) -> usize {
        self.free.len()
    }

    /// `size` zeroed bytes aligned to `align` (a power of two), from the top of the free
    /// space; `None` when they do not fit. Padding above an aligned grant stays unused.
    pub fn allocate(&mut self, size: usize, align: usize) -> Option<&'a mut [u8]> {
        debug_assert!(align.is_power_of_two());
        let base = self.free.as_ptr() as usize;
        let top = base + self.free.len();
        let start = top.checked_sub(size)? & !(align - 1);
        if start < base {
            return None;
        }
        let (below, grant) = core::mem::take(&mut self.free).split_at_mut(start - base);
        self.free = below;
        let grant = &mut grant[..size];
        grant.fill(0);
        Some(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::Grants;

    #[test]
    fn grants_come_from_the_top_and_do_not_overlap() {
        let mut region = [0xFFu8; 32];
        let base = region.as_ptr() as usize;
        let mut grants = Grants::new(&mut region);
        let a = grants.allocate(8, 1).unwrap();
        assert_eq!(a.as_ptr() as usize, base + 24);
        let b = grants.allocate(8, 1).unwrap();
        assert_eq!(b.as_ptr() as usize, base + 16);
        a[0] = 1;
        b[7] = 2;
        assert_eq!(grants.remaining(), 16);
    }

    #[test]
    fn grants_are_zeroed_and_aligned() {
        #[repr(align(8))]
        struct Region([u8; 40]);
        let mut region = Region([0xEE; 40]);
        let base = region.0.as_ptr() as usize;
        let mut grants = Grants::new(&mut region.0);
        let a = grants.allocate(3, 1).unwrap();
        assert_eq!(a, &[0, 0, 0]);
        let b = grants.allocate(4, 8).unwrap();
        assert_eq!((b.as_ptr() as usize - base) % 8, 0);
        assert_eq!(b.as_ptr() as usize, base + 32);
    }

    #[test]
    fn an_allocation_that_does_not_fit_is_refused_and_changes_nothing() {
        let mut region = [0u8; 16];
        let mut grants = Grants::new(&mut region);
        assert!(grants.allocate(17, 1).is_none());
        assert!(grants.allocate(usize::MAX, 1).is_none());
        assert_eq!(grants.remaining(), 16);
        assert!(grants.allocate(16, 1).is_some());
        assert!(grants.allocate(1, 1).is_none());
        assert!(grants.allocate(0, 1).is_some());
    }
}
