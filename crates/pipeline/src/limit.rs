//! The time allowed one file: its reading runs on a thread of its own, and a file that
//! takes too long (or whose reader fails inside) is given up on so that one file cannot
//! stall a run.

use std::sync::mpsc;
use std::time::Duration;

/// Longest one file may take to be read, parsed and checked. A real report takes
/// milliseconds and a 60 MB text at the size cap about 2 s; what takes longer is given
/// up on (its reader is left to finish on its own) so that one file cannot stall a run.
pub const FILE_TIME_LIMIT: Duration = Duration::from_secs(60);

/// Work handed to a reading thread.
type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// This thread's reading thread, kept from one file to the next: a thread per file
    /// would cost each its own allocator arena (+25 % peak memory on 10,000 files).
    static READER: std::cell::RefCell<Option<mpsc::Sender<Job>>> =
        const { std::cell::RefCell::new(None) };
}

fn spawn_reader() -> Result<mpsc::Sender<Job>, Overrun> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("gongkai-read".into())
        .spawn(move || {
            for job in rx {
                job();
            }
        })
        .map_err(|_| Overrun::NoThread)?;
    Ok(tx)
}

/// Runs `work` on this thread's reading thread and waits at most `limit` for it. A
/// reading thread that overruns is left to finish on its own (and then ends), and the
/// next file gets a new one. A panic in `work` is an error too, never the caller's.
pub fn within<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Overrun> {
    let (tx, rx) = mpsc::sync_channel(1);
    let mut job: Job = Box::new(move || {
        let _ = tx.send(work());
    });
    READER.with(|reader| -> Result<(), Overrun> {
        let mut reader = reader.borrow_mut();
        // Once more with a new reading thread if the kept one is gone.
        for _ in 0..2 {
            let sender = match reader.take() {
                Some(s) => s,
                None => spawn_reader()?,
            };
            match sender.send(job) {
                Ok(()) => {
                    *reader = Some(sender);
                    return Ok(());
                }
                Err(mpsc::SendError(back)) => job = back,
            }
        }
        Err(Overrun::NoThread)
    })?;
    rx.recv_timeout(limit).map_err(|e| {
        // Busy past the limit, or ended by a panic: not to be used again.
        READER.with(|reader| reader.borrow_mut().take());
        match e {
            mpsc::RecvTimeoutError::Timeout => Overrun::TimedOut(limit),
            mpsc::RecvTimeoutError::Disconnected => Overrun::Crashed,
        }
    })
}

/// Why [`within`] has no result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Overrun {
    #[error("读取超时（超过 {} 秒），已放弃", .0.as_secs_f64())]
    TimedOut(Duration),
    #[error("读取时出现内部错误，已放弃（请报告此文件）")]
    Crashed,
    #[error("系统资源不足，无法启动读取")]
    NoThread,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No file may hold a run up; a reader that fails inside is an error, not a crash.
    #[test]
    fn work_past_the_limit_is_given_up_on() {
        assert_eq!(
            within(Duration::from_millis(50), || {
                std::thread::sleep(Duration::from_secs(5));
            }),
            Err(Overrun::TimedOut(Duration::from_millis(50)))
        );
        assert_eq!(
            Overrun::TimedOut(Duration::from_secs(60)).to_string(),
            "读取超时（超过 60 秒），已放弃"
        );
        assert_eq!(
            within(Duration::from_secs(10), || -> u8 { panic!("a reader bug") }),
            Err(Overrun::Crashed)
        );
        assert_eq!(within(Duration::from_secs(10), || 7), Ok(7));
    }
}
