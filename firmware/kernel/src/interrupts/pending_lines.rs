//! Which lines have a bottom half due: one bit per line, 32 lines to a word.
//!
//! The top half marks a line in handler mode while the kernel loop takes lines in thread mode,
//! so every word is an atomic and neither side locks: marking is one `fetch_or`, taking the
//! lowest line a load and a `fetch_and` of its word. Line n is bit n % 32 of word n / 32, the
//! arithmetic of the NVIC's own one-bit-per-line registers too (ISER, ICER, ISPR, ICPR:
//! ARMv7-M ARM B3.4), which is why `word_and_bit` is public.

use core::sync::atomic::{AtomicU32, Ordering};

/// Lines a 32-bit word holds.
pub const LINES_PER_WORD: u32 = 32;

/// The index of the word holding `line`, and `line`'s bit in that word.
#[inline(always)]
pub const fn word_and_bit(line: u32) -> (usize, u32) {
    ((line / LINES_PER_WORD) as usize, 1 << (line % LINES_PER_WORD))
}

/// A set of pending lines 0 to `32 × WORDS - 1`.
#[derive(Debug)]
pub struct PendingLines<const WORDS: usize> {
    words: [AtomicU32; WORDS],
}

impl<const WORDS: usize> Default for PendingLines<WORDS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const WORDS: usize> PendingLines<WORDS> {
    /// How many lines the set holds.
    pub const LINES: usize = WORDS * LINES_PER_WORD as usize;

    /// No line pending.
    pub const fn new() -> Self {
        Self { words: [const { AtomicU32::new(0) }; WORDS] }
    }

    /// Marks `line` pending. Release: whatever the caller stored before (the line's
    /// timestamp) is visible to the one that takes the line. Panics if `line` is not below
    /// `LINES`; the top half calls it with a line whose word is a constant, so the check is
    /// resolved at compile time there.
    #[inline(always)]
    pub fn mark(&self, line: u32) {
        let (word, bit) = word_and_bit(line);
        self.words[word].fetch_or(bit, Ordering::Release);
    }

    /// Takes the lowest pending line out of the set (`None` if none is). The first word is
    /// looked at inline, exactly as a single-word set was; the others, out of line, only when
    /// it is empty. So a line of the first word costs what it did before there were more;
    /// what grows is the path that finds nothing (the kernel loop's idle round).
    #[inline(always)]
    pub fn take_lowest(&self) -> Option<u32> {
        let (first, _) = self.words.split_first()?;
        match take_lowest_bit(first) {
            Some(bit) => Some(bit),
            None => self.take_lowest_past_first_word(),
        }
    }

    /// `take_lowest` for the words after the first.
    #[inline(never)]
    fn take_lowest_past_first_word(&self) -> Option<u32> {
        (1..WORDS).find_map(|index| {
            let bit = take_lowest_bit(&self.words[index])?;
            Some(index as u32 * LINES_PER_WORD + bit)
        })
    }
}

/// Clears the lowest set bit of `word` and returns its number (`None` if no bit is set).
/// Acquire: the caller sees what the top half stored before it set the bit.
#[inline(always)]
fn take_lowest_bit(word: &AtomicU32) -> Option<u32> {
    let pending = word.load(Ordering::Acquire);
    if pending == 0 {
        return None;
    }
    let bit = pending.trailing_zeros();
    word.fetch_and(!(1 << bit), Ordering::Relaxed);
    Some(bit)
}

#[cfg(test)]
mod tests {
    use super::{PendingLines, word_and_bit};

    #[test]
    fn word_and_bit_split_a_line_as_the_nvic_registers_do() {
        assert_eq!(word_and_bit(0), (0, 1));
        assert_eq!(word_and_bit(8), (0, 1 << 8));
        assert_eq!(word_and_bit(31), (0, 1 << 31));
        assert_eq!(word_and_bit(32), (1, 1));
        // SAM4L: AST ALARM 39, TC00 55 (ISER1 bits 7 and 23), LCDCA 79 (ISER2 bit 15).
        assert_eq!(word_and_bit(39), (1, 1 << 7));
        assert_eq!(word_and_bit(55), (1, 1 << 23));
        assert_eq!(word_and_bit(63), (1, 1 << 31));
        assert_eq!(word_and_bit(64), (2, 1));
        assert_eq!(word_and_bit(79), (2, 1 << 15));
        assert_eq!(word_and_bit(495), (15, 1 << 15));
    }

    #[test]
    fn lines_come_out_lowest_first_across_words() {
        let set = PendingLines::<3>::new();
        assert_eq!(PendingLines::<3>::LINES, 96);
        assert_eq!(set.take_lowest(), None);
        for line in [95, 55, 8, 32, 31, 64] {
            set.mark(line);
        }
        let taken: Vec<u32> = core::iter::from_fn(|| set.take_lowest()).collect();
        assert_eq!(taken, [8, 31, 32, 55, 64, 95]);
        assert_eq!(set.take_lowest(), None);
    }

    #[test]
    fn marking_a_pending_line_again_keeps_it_once() {
        let set = PendingLines::<3>::new();
        set.mark(55);
        set.mark(55);
        assert_eq!(set.take_lowest(), Some(55));
        assert_eq!(set.take_lowest(), None);
    }

    #[test]
    #[should_panic(expected = "index out of bounds")]
    fn a_line_past_the_set_is_refused() {
        PendingLines::<1>::new().mark(32);
    }
}
