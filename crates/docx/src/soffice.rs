//! DOC and WPS files (OLE2 compound files) converted to DOCX by LibreOffice.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::container::OLE_MAGIC;
use crate::DocxError;

/// How long one conversion may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The LibreOffice executable on `PATH` (`soffice`, else `libreoffice`), if any.
pub fn find_soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in ["soffice", "libreoffice"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// True when the bytes are an OLE2 compound file (DOC, WPS, or an encrypted OOXML file).
pub fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE_MAGIC)
}

/// Convert a DOC or WPS file to DOCX bytes with LibreOffice
/// (`soffice --headless --convert-to docx --outdir <tempdir> <file>`, 60 s at most).
///
/// Errors: [`DocxError::SofficeMissing`] when LibreOffice is not on `PATH` (the message
/// says how to convert by hand), [`DocxError::Encrypted`] for a password-protected file,
/// [`DocxError::Convert`] when LibreOffice fails or times out.
pub fn convert_with_soffice(path: &Path) -> Result<Vec<u8>, DocxError> {
    let head = std::fs::read(path).map_err(|e| DocxError::Io(e.to_string()))?;
    if is_ole(&head) && crate::container::sniff(&head) == Err(DocxError::Encrypted) {
        return Err(DocxError::Encrypted);
    }
    drop(head);
    let soffice = find_soffice().ok_or(DocxError::SofficeMissing)?;
    let tmp = tempfile::Builder::new()
        .prefix("gongkai-soffice-")
        .tempdir()
        .map_err(|e| DocxError::Io(e.to_string()))?;
    let outdir = tmp.path().join("out");
    let profile = tmp.path().join("profile");
    std::fs::create_dir_all(&outdir).map_err(|e| DocxError::Io(e.to_string()))?;
    // LibreOffice picks its output name from the input's: copy the input under a plain
    // name so that odd file names (and a missing or wrong extension) do not matter.
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| matches!(e.as_str(), "doc" | "wps" | "dot" | "wpt" | "rtf" | "docx"))
        .unwrap_or_else(|| "doc".to_string());
    let input = tmp.path().join(format!("input.{ext}"));
    std::fs::copy(path, &input).map_err(|e| DocxError::Io(e.to_string()))?;
    let mut profile_url = String::from("file://");
    profile_url.push_str(&profile.to_string_lossy());

    // Stderr goes to a file: a pipe nobody reads could fill and stall the child.
    let log_path = tmp.path().join("stderr.txt");
    let log = std::fs::File::create(&log_path).map_err(|e| DocxError::Io(e.to_string()))?;
    let mut child = Command::new(&soffice)
        .arg(format!("-env:UserInstallation={profile_url}"))
        .args(["--headless", "--norestore", "--nolockcheck"])
        .args(["--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(&outdir)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .map_err(|e| DocxError::Convert(format!("无法启动 {}：{e}", soffice.display())))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(DocxError::Convert(format!(
                    "超过 {} 秒未完成，已中止",
                    TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(DocxError::Convert(e.to_string())),
        }
    };
    let stderr = std::fs::read_to_string(&log_path).unwrap_or_default();
    let output = outdir.join("input.docx");
    match std::fs::read(&output) {
        Ok(bytes) if !bytes.is_empty() => Ok(bytes),
        _ => {
            let detail = stderr.trim();
            Err(DocxError::Convert(if detail.is_empty() {
                format!("没有生成 DOCX（退出状态 {status}），文件可能已损坏或加密")
            } else {
                format!("没有生成 DOCX（{detail}）")
            }))
        }
    }
}
