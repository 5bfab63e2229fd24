//! Temporary files for the full step's corpus-sized data: each distinct text's short
//! shingles, the band-index entries and the candidate pairs. A full step of a million
//! reports has gigabytes of them; written once and read back by offset, they stay in
//! the operating system's file cache (or on disk when memory is short) instead of the
//! process's memory, which then holds only a few fixed-size records per text.
//!
//! The files are unnamed (`tempfile::tempfile`, in the system's temporary folder or
//! `TMPDIR`) and disappear when the step ends, however it ends.

use std::fs::File;
use std::io::{self, BufWriter, Write};

/// An append-only temporary file being written.
pub(crate) struct SpillWriter {
    out: BufWriter<File>,
    len: u64,
}

impl SpillWriter {
    pub(crate) fn new() -> io::Result<SpillWriter> {
        Ok(SpillWriter {
            out: BufWriter::with_capacity(1 << 20, tempfile::tempfile()?),
            len: 0,
        })
    }

    /// Appends bytes; returns the offset they start at.
    pub(crate) fn append(&mut self, bytes: &[u8]) -> io::Result<u64> {
        let at = self.len;
        self.out.write_all(bytes)?;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    /// Ends the writing; the file can then be read.
    pub(crate) fn finish(self) -> io::Result<SpillFile> {
        let len = self.len;
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(SpillFile { file, len })
    }
}

/// A finished temporary file, read by offset from any thread.
pub(crate) struct SpillFile {
    file: File,
    len: u64,
}

impl SpillFile {
    /// Fills `buf` from `offset`.
    pub(crate) fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        read_exact_at(&self.file, buf, offset)
    }

    /// Its size in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The whole file (a band partition or a pair block: a bounded part of the data).
    pub(crate) fn read_all(&self) -> io::Result<Vec<u8>> {
        let len = usize::try_from(self.len)
            .map_err(|_| io::Error::other("temporary file larger than memory can address"))?;
        let mut buf = vec![0; len];
        self.read_at(0, &mut buf)?;
        Ok(buf)
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_appended_is_read_back_at_its_offset() {
        let mut w = SpillWriter::new().unwrap();
        assert_eq!(w.append(b"abc").unwrap(), 0);
        assert_eq!(w.append(b"").unwrap(), 3);
        assert_eq!(w.append(&[7; 70_000]).unwrap(), 3);
        assert_eq!(w.append(b"xyz").unwrap(), 70_003);
        let f = w.finish().unwrap();
        let mut buf = [0; 3];
        f.read_at(70_003, &mut buf).unwrap();
        assert_eq!(&buf, b"xyz");
        f.read_at(0, &mut buf).unwrap();
        assert_eq!(&buf, b"abc");
        let all = f.read_all().unwrap();
        assert_eq!(all.len(), 70_006);
        assert_eq!(all[3..70_003], [7; 70_000]);
        // Past the end is an error, not a short read.
        assert!(f.read_at(70_005, &mut buf).is_err());
    }
}
