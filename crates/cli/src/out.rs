//! Everything the binary writes goes through here, so that a reader that goes away
//! (`gongkai check … | head -n 1`) ends the program quietly instead of a panic:
//! `println!` panics with "failed printing to stdout: Broken pipe".
//!
//! Standard output closed by its reader: exit at once with status 0, printing nothing
//! (the reader has all it wanted). Any other failure to write the results (a full
//! disk): one line on standard error, exit status 2. Messages to standard error never
//! fail the program.

use std::io::{self, Write};

/// `println!` to standard output, through [`stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::stdout(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` to standard output, through [`stdout`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::stdout(&format!($($arg)*))
    };
}

/// `eprintln!` that cannot panic: a closed standard error loses the message.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::stderr(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Write `s` to standard output (locked, then flushed).
pub fn stdout(s: &str) {
    let mut out = io::stdout().lock();
    written(out.write_all(s.as_bytes()).and_then(|()| out.flush()));
}

/// What happens after a write to standard output: nothing when it worked; a quiet
/// exit when the reader has gone; an error message and exit status 2 otherwise.
pub fn written(result: io::Result<()>) {
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            stderr(&format!("gongkai: 无法写出结果：{e}\n"));
            std::process::exit(2);
        }
    }
}

/// Write `s` to standard error, ignoring failure.
pub fn stderr(s: &str) {
    let mut err = io::stderr().lock();
    let _ = err.write_all(s.as_bytes()).and_then(|()| err.flush());
}
