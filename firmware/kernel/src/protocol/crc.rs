//! CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no final XOR.
//!
//! Bitwise rather than table-driven: frames are short and 512 bytes of table would cost more
//! flash than the loop costs time.

/// The initial CRC value.
pub const INITIAL: u16 = 0xFFFF;

/// `crc` advanced over `bytes`.
pub fn update(mut crc: u16, bytes: &[u8]) -> u16 {
    for &byte in bytes {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// CRC of `bytes` from the initial value.
pub fn checksum(bytes: &[u8]) -> u16 {
    update(INITIAL, bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_value_of_123456789_is_29b1() {
        assert_eq!(super::checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn crc_of_nothing_is_the_initial_value() {
        assert_eq!(super::checksum(b""), 0xFFFF);
    }

    #[test]
    fn update_in_pieces_equals_one_pass() {
        assert_eq!(super::update(super::checksum(b"1234"), b"56789"), 0x29B1);
    }
}
