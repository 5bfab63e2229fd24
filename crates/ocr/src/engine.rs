//! The recognition engine: Tesseract through its command-line program (Debian's
//! `tesseract-ocr` with `tesseract-ocr-chi-sim`), one process per image, the image on
//! its standard input and the words with their boxes and confidences (TSV) on its
//! standard output. Behind a trait so that another engine can take its place.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::raster::Gray;

/// A word the engine read: its box in the image's pixels (top-left origin), the line it
/// is on, its text and the engine's confidence (0–100).
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    /// Block, paragraph and line numbers: words with equal keys are on one line.
    pub line: (u32, u32, u32),
    pub text: String,
    pub confidence: f32,
}

/// What to read an image as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Task {
    /// A page of Chinese text (tables already painted out): the engine finds the layout.
    Page,
    /// Lines of Chinese text and numbers set one below another (the cells of tables).
    Lines,
    /// A column of numbers, one per line: digits only.
    Numbers,
    /// Numbers set apart on a page, found one by one (sparse text): digits and a
    /// decimal point. A third reading of the numbers the first two left in doubt.
    SparseNumbers,
    /// One number alone in its image, as one word: digits and a decimal point. For a
    /// number every reading of it among others lost (a lone 7 or 1 is dropped from a
    /// strip of many).
    LoneNumber,
}

/// Why recognition failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("未安装OCR引擎：找不到 tesseract 程序或其简体中文语言包 chi_sim（Debian/Ubuntu：apt-get install tesseract-ocr tesseract-ocr-chi-sim）")]
    NotInstalled,
    #[error("OCR引擎运行失败：{0}")]
    Failed(String),
    #[error("OCR识别超时（{0}秒）")]
    TimedOut(u64),
}

/// An OCR engine.
pub trait Engine: Send + Sync {
    /// The engine's name and version, as a report records it.
    fn name(&self) -> &str;
    /// The words of an image at `dpi`.
    fn words(&self, image: &Gray, dpi: u32, task: Task) -> Result<Vec<Word>, EngineError>;
}

/// Tesseract's command-line program.
#[derive(Clone, Debug)]
pub struct Tesseract {
    program: PathBuf,
    name: String,
    /// Longest one image may take.
    pub timeout: Duration,
}

impl Tesseract {
    /// The program on the `PATH` (or at `$GONGKAI_TESSERACT`), if it runs and has the
    /// simplified-Chinese model.
    pub fn find() -> Result<Tesseract, EngineError> {
        let program = std::env::var_os("GONGKAI_TESSERACT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("tesseract"));
        let langs = Command::new(&program)
            .arg("--list-langs")
            .stdin(Stdio::null())
            .output()
            .map_err(|_| EngineError::NotInstalled)?;
        let listed = String::from_utf8_lossy(&langs.stdout).to_string()
            + &String::from_utf8_lossy(&langs.stderr);
        if !listed.lines().any(|l| l.trim() == "chi_sim")
            || !listed.lines().any(|l| l.trim() == "eng")
        {
            return Err(EngineError::NotInstalled);
        }
        let version = Command::new(&program)
            .arg("--version")
            .stdin(Stdio::null())
            .output()
            .map_err(|_| EngineError::NotInstalled)?;
        let text = String::from_utf8_lossy(&version.stdout).to_string()
            + &String::from_utf8_lossy(&version.stderr);
        let first = text
            .lines()
            .next()
            .unwrap_or("tesseract")
            .trim()
            .to_string();
        Ok(Tesseract {
            program,
            name: first,
            timeout: Duration::from_secs(60),
        })
    }
}

impl Engine for Tesseract {
    fn name(&self) -> &str {
        &self.name
    }

    fn words(&self, image: &Gray, dpi: u32, task: Task) -> Result<Vec<Word>, EngineError> {
        let mut cmd = Command::new(&self.program);
        cmd.args(["stdin", "stdout", "--dpi", &dpi.to_string()]);
        match task {
            // Automatic layout: the cells of a table are blocks of their own.
            Task::Page => cmd.args(["-l", "chi_sim", "--psm", "3"]),
            Task::Lines => cmd.args(["-l", "chi_sim", "--psm", "6"]),
            // One uniform block of lines, digits only.
            Task::Numbers => cmd.args([
                "-l",
                "eng",
                "--psm",
                "6",
                "-c",
                "tessedit_char_whitelist=0123456789",
            ]),
            Task::LoneNumber => cmd.args([
                "-l",
                "eng",
                "--psm",
                "8",
                "-c",
                "tessedit_char_whitelist=0123456789.",
            ]),
            Task::SparseNumbers => cmd.args([
                "-l",
                "eng",
                "--psm",
                "11",
                "-c",
                "tessedit_char_whitelist=0123456789.",
            ]),
        };
        cmd.arg("tsv")
            // One thread per process: the pages of a document run in parallel instead,
            // and OpenMP's spinning threads cost more than they give on small images.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| EngineError::Failed(e.to_string()))?;
        let pgm = image.to_pgm();
        let mut stdin = child
            .stdin
            .take()
            .ok_or(EngineError::Failed("stdin".into()))?;
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&pgm);
        });
        let mut stdout = child
            .stdout
            .take()
            .ok_or(EngineError::Failed("stdout".into()))?;
        let reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.read_to_end(&mut out);
            out
        });
        let mut stderr = child
            .stderr
            .take()
            .ok_or(EngineError::Failed("stderr".into()))?;
        let err_reader = std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stderr.read_to_end(&mut out);
            out
        });
        use wait_timeout::ChildExt;
        let status = match child
            .wait_timeout(self.timeout)
            .map_err(|e| EngineError::Failed(e.to_string()))?
        {
            Some(s) => s,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EngineError::TimedOut(self.timeout.as_secs()));
            }
        };
        let _ = writer.join();
        let out = reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        if !status.success() {
            let msg = String::from_utf8_lossy(&err);
            let last = msg.lines().last().unwrap_or("").trim().to_string();
            return Err(EngineError::Failed(format!("{status}：{last}")));
        }
        Ok(parse_tsv(&String::from_utf8_lossy(&out)))
    }
}

/// Tesseract's TSV: level 5 rows are words.
pub fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let n = |i: usize| f[i].trim().parse::<u32>().ok();
        let (Some(block), Some(par), Some(ln), Some(left), Some(top), Some(width), Some(height)) =
            (n(2), n(3), n(4), n(6), n(7), n(8), n(9))
        else {
            continue;
        };
        let text = f[11..].join("\t").trim().to_string();
        if text.is_empty() {
            continue;
        }
        let confidence = f[10].trim().parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0);
        out.push(Word {
            x0: left,
            y0: top,
            x1: left.saturating_add(width),
            y1: top.saturating_add(height),
            line: (block, par, ln),
            text,
            confidence,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n\
                   5\t1\t2\t1\t3\t1\t10\t20\t30\t15\t96.5\t9487\n\
                   5\t1\t2\t1\t3\t2\t50\t20\t30\t15\t-1\t \n";
        let w = parse_tsv(tsv);
        assert_eq!(
            w,
            vec![Word {
                x0: 10,
                y0: 20,
                x1: 40,
                y1: 35,
                line: (2, 1, 3),
                text: "9487".into(),
                confidence: 96.5
            }]
        );
    }
}
