//! Content digests: parsing `sha256:<hex>` and checking bytes against them while they stream.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256};

/// A validated `sha256:<64 lowercase hex>` digest: safe to use as a file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Digest(String);

impl Sha256Digest {
    /// Parses `sha256:<hex>`; anything else (other algorithms, path characters) is refused.
    pub fn parse(s: &str) -> Option<Sha256Digest> {
        let hex = s.strip_prefix("sha256:")?;
        (hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Sha256Digest(s.to_string()))
    }

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256Digest {
        Sha256Digest(format!("sha256:{:x}", Sha256::digest(bytes)))
    }

    /// The hex part, used as the blob's file name.
    pub fn hex(&self) -> &str {
        &self.0[7..]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `sha256:0123456789ab`, for messages and tables.
    pub fn short(&self) -> &str {
        &self.0[..19]
    }
}

impl std::fmt::Display for Sha256Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hashes everything read through it; the caller compares [`HashingReader::finish`] with
/// the expected digest once the stream is exhausted.
pub struct HashingReader<R> {
    inner: R,
    hasher: Option<Sha256>,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_hashing(inner, true)
    }

    /// A reader that only counts bytes when `hash` is false (hashing costs time on big layers).
    pub fn with_hashing(inner: R, hash: bool) -> Self {
        HashingReader {
            inner,
            hasher: hash.then(Sha256::new),
            bytes: 0,
        }
    }

    /// Reads what is left (a tar reader stops before the trailing padding) and returns the
    /// digest of the whole stream and its length.
    pub fn finish(mut self) -> io::Result<(Option<Sha256Digest>, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((
            self.hasher
                .map(|h| Sha256Digest(format!("sha256:{:x}", h.finalize()))),
            self.bytes,
        ))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = self.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sha256_hex_is_accepted() {
        assert!(Sha256Digest::parse(
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        .is_some());
        assert!(Sha256Digest::parse("sha256:../../etc/passwd").is_none());
        assert!(Sha256Digest::parse("sha512:abcd").is_none());
        assert_eq!(
            Sha256Digest::of(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hashing_reader_hashes_the_rest_on_finish() {
        let mut r = HashingReader::new(&b"hello world"[..]);
        let mut first = [0u8; 5];
        r.read_exact(&mut first).unwrap();
        let (d, n) = r.finish().unwrap();
        assert_eq!(n, 11);
        assert_eq!(d, Some(Sha256Digest::of(b"hello world")));
    }
}
