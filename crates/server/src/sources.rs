//! The bytes of a stored report's file, for drawing its source: an uploaded file is
//! kept in the data folder under its SHA-256 (never under the name it was given); a
//! file ingested from the command line is read where it was found, if it is still
//! there with the same bytes.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Where an uploaded file with this SHA-256 (hex) is kept.
pub fn upload_path(data_dir: &Path, hash: &str) -> Option<PathBuf> {
    // Only a hex digest names a file: nothing a request sends becomes a path.
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(data_dir.join("files").join(&hash[..2]).join(hash))
}

/// Why the source cannot be shown.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceMissing {
    #[error("原文件已不在服务器上（{0}）")]
    Gone(String),
    #[error("原文件已被改动，与入库时的内容不同（{0}）")]
    Changed(String),
}

/// The file's bytes: the uploaded copy, else the path it was ingested from when its
/// bytes still have the stored hash.
pub fn source_bytes(data_dir: &Path, hash: &str, source: &str) -> Result<Vec<u8>, SourceMissing> {
    if let Some(p) = upload_path(data_dir, hash) {
        if let Ok(bytes) = std::fs::read(&p) {
            return Ok(bytes);
        }
    }
    let bytes = gongkai_ingest::read_bounded(Path::new(source))
        .map_err(|_| SourceMissing::Gone(source.to_string()))?;
    if hex(&Sha256::digest(&bytes)) == hash {
        Ok(bytes)
    } else {
        Err(SourceMissing::Changed(source.to_string()))
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_digest_names_a_file() {
        let dir = Path::new("/data");
        assert_eq!(upload_path(dir, "../../etc/passwd"), None);
        assert_eq!(upload_path(dir, &"g".repeat(64)), None);
        let h = "ab".repeat(32);
        assert_eq!(
            upload_path(dir, &h),
            Some(PathBuf::from(format!("/data/files/ab/{h}")))
        );
    }

    #[test]
    fn a_file_changed_since_ingest_is_not_shown_as_its_source() {
        let dir = std::env::temp_dir().join(format!("gongkai-src-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("r.txt");
        std::fs::write(&f, "一、总体情况").unwrap();
        let hash = hex(&Sha256::digest("一、总体情况".as_bytes()));
        let src = f.display().to_string();
        assert_eq!(
            source_bytes(&dir, &hash, &src).unwrap(),
            "一、总体情况".as_bytes()
        );
        std::fs::write(&f, "改过").unwrap();
        assert_eq!(
            source_bytes(&dir, &hash, &src),
            Err(SourceMissing::Changed(src.clone()))
        );
        std::fs::remove_file(&f).unwrap();
        assert_eq!(
            source_bytes(&dir, &hash, &src),
            Err(SourceMissing::Gone(src))
        );
    }
}
