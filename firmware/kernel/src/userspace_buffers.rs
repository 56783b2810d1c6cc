//! Buffers a process shares with the kernel through `allow`, checked once, used often.
//!
//! The paper's "userspace buffers" trusted kind. A process names a buffer by address and
//! length; the kernel checks once, at `allow`, that the range lies inside the process's own
//! memory and keeps it as an offset. Every later access borrows the bytes from the process's
//! memory (which the kernel holds as `&mut [u32]`) and slices them with ordinary bounds
//! checks, so a buffer can never reach outside its process. The one trusted step is viewing
//! that word slice as bytes.

#![allow(unsafe_code)]

/// Why an `allow` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowError {
    /// Some of the range lies outside the process's memory (or wraps around).
    OutOfRange,
}

/// A byte range inside one process's memory, checked when it was allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AllowedBuffer {
    offset: usize,
    len: usize,
}

impl AllowedBuffer {
    /// Checks that `address .. address + len` lies inside `memory`.
    pub fn new(memory: &[u32], address: usize, len: usize) -> Result<Self, AllowError> {
        let start = memory.as_ptr() as usize;
        let offset = address.checked_sub(start).ok_or(AllowError::OutOfRange)?;
        let end = offset.checked_add(len).ok_or(AllowError::OutOfRange)?;
        if end > size_of_val(memory) {
            return Err(AllowError::OutOfRange);
        }
        Ok(Self { offset, len })
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The buffer's bytes, borrowed from `memory` (the process's memory it was checked
    /// against; another slice only yields whatever lies at the same offset there, or `None`).
    #[inline]
    pub fn bytes<'m>(&self, memory: &'m mut [u32]) -> Option<&'m mut [u8]> {
        as_bytes(memory).get_mut(self.offset..self.offset + self.len)
    }
}

/// `words` viewed as bytes.
#[inline(always)]
fn as_bytes(words: &mut [u32]) -> &mut [u8] {
    let len = size_of_val(words);
    // SAFETY: the pointer and length cover exactly the memory `words` covers, which this
    // exclusive borrow owns for the returned lifetime; `u8` has no alignment requirement and
    // every bit pattern is a valid `u8` (and every byte pattern a valid `u32` afterwards).
    unsafe { core::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), len) }
}

#[cfg(test)]
mod tests {
    use super::{AllowError, AllowedBuffer};

    #[test]
    fn a_range_inside_memory_is_allowed_and_reads_its_bytes() {
        let mut memory = [0u32; 8];
        memory[1] = u32::from_le_bytes([1, 2, 3, 4]);
        let base = memory.as_ptr() as usize;
        let buffer = AllowedBuffer::new(&memory, base + 5, 3).unwrap();
        assert_eq!(buffer.bytes(&mut memory).unwrap(), &[2, 3, 4]);
        buffer.bytes(&mut memory).unwrap()[0] = 9;
        assert_eq!(memory[1].to_le_bytes(), [1, 9, 3, 4]);
        assert_eq!(AllowedBuffer::new(&memory, base, 32).unwrap().len(), 32);
    }

    #[test]
    fn out_of_range_allows_are_refused() {
        let memory = [0u32; 8];
        let base = memory.as_ptr() as usize;
        assert_eq!(AllowedBuffer::new(&memory, base + 30, 3), Err(AllowError::OutOfRange));
        assert_eq!(AllowedBuffer::new(&memory, base - 1, 2), Err(AllowError::OutOfRange));
        assert_eq!(AllowedBuffer::new(&memory, base + 4, usize::MAX), Err(AllowError::OutOfRange));
        assert_eq!(AllowedBuffer::new(&memory, 0, 4), Err(AllowError::OutOfRange));
    }

    #[test]
    fn a_buffer_used_with_smaller_memory_yields_nothing() {
        let memory = [0u32; 8];
        let buffer = AllowedBuffer::new(&memory, memory.as_ptr() as usize + 16, 16).unwrap();
        let mut other = [0u32; 4];
        assert!(buffer.bytes(&mut other).is_none());
    }
}
