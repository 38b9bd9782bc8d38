// tessera-entry: count_tokens(ptr, u32) -> u32
// tessera-run: hex:6c65742078203d2034322b793b202f2f20636f6d6d656e740a783d3078 29
// tessera-run: hex:00 0
// tessera-run: hex:2020200a09 5
// tessera-run: hex:616263 3
//
// A lexer as a state machine: `match` on the state and on byte classes inside a loop over a
// slice. Counts identifiers, numbers and punctuation, skips whitespace and `//` comments;
// returns identifiers | numbers << 8 | punctuation << 16 | final state << 24.

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Ident,
    Number,
    Slash,
    Comment,
}

#[no_mangle]
pub extern "C" fn count_tokens(data: *const u8, len: u32) -> u32 {
    let bytes = unsafe { core::slice::from_raw_parts(data, len as usize) };
    let (mut idents, mut numbers, mut punct) = (0u32, 0u32, 0u32);
    let mut state = State::Start;
    for &c in bytes {
        state = match (state, c) {
            (State::Comment, b'\n') => State::Start,
            (State::Comment, _) => State::Comment,
            (State::Slash, b'/') => State::Comment,
            (State::Ident, b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'0'..=b'9') => State::Ident,
            (State::Number, b'0'..=b'9' | b'x' | b'a'..=b'f') => State::Number,
            (_, b'a'..=b'z' | b'A'..=b'Z' | b'_') => {
                idents += 1;
                State::Ident
            }
            (_, b'0'..=b'9') => {
                numbers += 1;
                State::Number
            }
            (_, b' ' | b'\t' | b'\n' | b'\r') => State::Start,
            (_, b'/') => {
                punct += 1;
                State::Slash
            }
            _ => {
                punct += 1;
                State::Start
            }
        };
    }
    let s = match state {
        State::Start => 0,
        State::Ident => 1,
        State::Number => 2,
        State::Slash => 3,
        State::Comment => 4,
    };
    idents | numbers << 8 | punct << 16 | s << 24
}
