//! Host tests of the command decoder: valid frames, garbage, bad CRC, oversize, truncation.

use super::{Command, CommandDecoder, DecodeError, MAX_SELECTION_BYTES, Selection};
use crate::protocol::{Frame, kind};

fn frame(message: u8, payload: &[u8]) -> Vec<u8> {
    Frame::new(message).raw(payload).bytes().unwrap().to_vec()
}

/// A RUN frame whose selection bytes are `selection`'s (any bytes: the decoder only carries them).
fn run_frame(repetitions: u16, selection: &str) -> Vec<u8> {
    let mut p = repetitions.to_le_bytes().to_vec();
    p.push(selection.len() as u8);
    p.extend_from_slice(selection.as_bytes());
    frame(kind::RUN, &p)
}

fn decode_all(bytes: &[u8]) -> (Vec<Result<Command, DecodeError>>, u32) {
    let mut d = CommandDecoder::new();
    let mut out = Vec::new();
    for &b in bytes {
        d.push(b);
        while let Some(c) = d.poll() {
            out.push(c);
        }
    }
    (out, d.dropped())
}

fn run(repetitions: u16, selection: &str) -> Result<Command, DecodeError> {
    Ok(Command::Run { repetitions, selection: Selection::new(selection.as_bytes()).unwrap() })
}

#[test]
fn a_ping_decodes() {
    assert_eq!(decode_all(&frame(kind::PING, &[])), (vec![Ok(Command::Ping)], 0));
}

#[test]
fn a_run_decodes_with_its_selection() {
    // Rows 0 and 9 (byte 0 bit 0, byte 1 bit 1).
    let (out, dropped) = decode_all(&run_frame(15, "\u{1}\u{2}"));
    assert_eq!((out, dropped), (vec![run(15, "\u{1}\u{2}")], 0));
    let Ok(Command::Run { selection, .. }) = run(1, "\u{1}\u{2}") else { unreachable!() };
    let rows: Vec<usize> = (0..20).filter(|&i| selection.includes(i)).collect();
    assert_eq!(rows, vec![0, 9]);
    assert!(!selection.names_rows_past(10) && selection.names_rows_past(9));
    // Empty selects every row, and names none past the table.
    assert!(Selection::ALL.includes(0) && Selection::ALL.includes(500) && !Selection::ALL.names_rows_past(1));
}

#[test]
fn a_selection_longer_than_the_limit_is_a_bad_payload() {
    let long = "x".repeat(MAX_SELECTION_BYTES + 1);
    let (out, _) = decode_all(&run_frame(1, &long));
    assert_eq!(out, vec![Err(DecodeError::BadPayload(kind::RUN))]);
    let (out, _) = decode_all(&run_frame(1, &"x".repeat(MAX_SELECTION_BYTES)));
    assert!(matches!(out[..], [Ok(Command::Run { .. })]));
}

#[test]
fn garbage_before_a_frame_is_dropped_and_counted() {
    let mut bytes = vec![0x00, 0xA5, 0xFF, 0xA5, 0xA5, 0x5A];
    bytes.extend(frame(kind::PING, &[]));
    let (out, dropped) = decode_all(&bytes);
    assert_eq!(out, vec![Ok(Command::Ping)]);
    assert_eq!(dropped, 6);
}

#[test]
fn a_bad_crc_drops_the_frame_and_the_next_one_decodes() {
    let mut bad = run_frame(3, "");
    let last = bad.len() - 1;
    bad[last] ^= 0x01;
    bad.extend(frame(kind::PING, &[]));
    let (out, dropped) = decode_all(&bad);
    assert_eq!(out, vec![Ok(Command::Ping)]);
    assert_eq!(dropped, 10);
}

#[test]
fn an_oversize_length_is_skipped_at_once() {
    let mut bytes = vec![0xA5, 0x5A, kind::RUN, 0x01, 0x02]; // length 513
    bytes.extend(frame(kind::PING, &[]));
    let (out, dropped) = decode_all(&bytes);
    assert_eq!((out, dropped), (vec![Ok(Command::Ping)], 5));
}

#[test]
fn a_truncated_frame_waits_then_resyncs_on_the_next_frame() {
    let whole = run_frame(5, "syscall/");
    let mut d = CommandDecoder::new();
    for &b in &whole[..whole.len() - 3] {
        d.push(b);
        assert_eq!(d.poll(), None);
    }
    // The host gave up on it and sends a new RUN: the stale header swallows some of its bytes,
    // fails its CRC, and the real frame is found behind it.
    let mut got = Vec::new();
    for &b in &run_frame(2, "") {
        d.push(b);
        while let Some(c) = d.poll() {
            got.push(c);
        }
    }
    assert_eq!(got, vec![run(2, "")]);
}

#[test]
fn a_frame_hidden_in_a_fake_header_is_found() {
    let mut bytes = vec![0xA5, 0x5A, kind::RUN, 20, 0];
    bytes.extend(frame(kind::PING, &[]));
    bytes.extend([0u8; 20]);
    let (out, _) = decode_all(&bytes);
    assert_eq!(out, vec![Ok(Command::Ping)]);
}

#[test]
fn a_fake_header_does_not_hide_the_frame_behind_it_when_nothing_follows() {
    // Noise claiming a 200-byte payload, then the host's PING and silence: the PING must be
    // answered now, not after 200 more bytes that never come.
    let mut d = CommandDecoder::new();
    for b in [0xA5, 0x5A, kind::RUN, 200, 0] {
        d.push(b);
        assert_eq!(d.poll(), None);
    }
    let ping = frame(kind::PING, &[]);
    let mut got = Vec::new();
    for (i, &b) in ping.iter().enumerate() {
        d.push(b);
        while let Some(c) = d.poll() {
            got.push((i, c));
        }
    }
    assert_eq!(got, vec![(ping.len() - 1, Ok(Command::Ping))]);
    assert_eq!(d.dropped(), 5);
}

#[test]
fn intact_frames_that_are_not_commands_are_reported() {
    let mut bytes = frame(kind::HELLO, &[1]);
    bytes.extend(run_frame(0, ""));
    bytes.extend(run_frame(1001, ""));
    bytes.extend(frame(kind::RUN, &[1, 0, 5, b'x']));
    bytes.extend(frame(kind::PING, &[0]));
    let (out, dropped) = decode_all(&bytes);
    assert_eq!(
        out,
        vec![
            Err(DecodeError::UnknownType(kind::HELLO)),
            Err(DecodeError::BadPayload(kind::RUN)),
            Err(DecodeError::BadPayload(kind::RUN)),
            Err(DecodeError::BadPayload(kind::RUN)),
            Err(DecodeError::BadPayload(kind::PING)),
        ]
    );
    assert_eq!(dropped, 0);
}

#[test]
fn back_to_back_frames_all_decode() {
    let mut bytes = run_frame(1000, "counter/");
    bytes.extend(frame(kind::PING, &[]));
    let (out, _) = decode_all(&bytes);
    assert_eq!(out, vec![run(1000, "counter/"), Ok(Command::Ping)]);
}
