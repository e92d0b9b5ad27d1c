//! The rpm header blob as stored in the package database: a big-endian index count and
//! data length, `count` 16-byte index entries (tag, type, offset, count) and the data
//! store. See rpm's `docs/manual/format.md` and `hregions.md`.

/// Tags this inventory reads.
pub const TAG_NAME: u32 = 1000;
pub const TAG_VERSION: u32 = 1001;
pub const TAG_RELEASE: u32 = 1002;
pub const TAG_EPOCH: u32 = 1003;
pub const TAG_LICENSE: u32 = 1014;
pub const TAG_ARCH: u32 = 1022;
pub const TAG_SOURCERPM: u32 = 1044;
pub const TAG_MODULARITYLABEL: u32 = 5096;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;
const TYPE_I18NSTRING: u32 = 9;

/// rpm refuses headers larger than this (`HEADER_DATA_MAX`), so do we.
const MAX_DATA: usize = 256 << 20;
const MAX_INDEX: usize = 0xffff;

/// Why a header blob is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError(pub String);

impl std::fmt::Display for HeaderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

/// A parsed header: index entries over a data store, read on demand.
pub struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    /// Parses a blob, checking every entry stays inside the data store.
    pub fn parse(blob: &'a [u8]) -> Result<Header<'a>, HeaderError> {
        let il =
            be32(blob, 0).ok_or_else(|| HeaderError("blob shorter than 8 bytes".into()))? as usize;
        let dl =
            be32(blob, 4).ok_or_else(|| HeaderError("blob shorter than 8 bytes".into()))? as usize;
        if il == 0 || il > MAX_INDEX || dl > MAX_DATA {
            return Err(HeaderError(format!(
                "implausible header sizes (index {il}, data {dl})"
            )));
        }
        let data_start = 8 + il * 16;
        let data = blob.get(data_start..data_start + dl).ok_or_else(|| {
            HeaderError(format!(
                "header claims {dl} data bytes beyond a {}-byte blob",
                blob.len()
            ))
        })?;
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + i * 16;
            let tag = be32(blob, at).unwrap_or(0);
            let kind = be32(blob, at + 4).unwrap_or(0);
            let offset = be32(blob, at + 8).unwrap_or(u32::MAX) as usize;
            let count = be32(blob, at + 12).unwrap_or(0) as usize;
            if kind > 9 {
                return Err(HeaderError(format!(
                    "entry {i} (tag {tag}) has unknown type {kind}"
                )));
            }
            if offset > dl {
                return Err(HeaderError(format!(
                    "entry {i} (tag {tag}) points outside the data store"
                )));
            }
            entries.push(Entry {
                tag,
                kind,
                offset,
                count,
            });
        }
        Ok(Header { entries, data })
    }

    /// A string value (first element of arrays).
    pub fn string(&self, tag: u32) -> Option<String> {
        let e = self.entries.iter().find(|e| e.tag == tag)?;
        if !matches!(e.kind, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return None;
        }
        let rest = self.data.get(e.offset..)?;
        let end = rest.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&rest[..end]).into_owned())
    }

    /// An INT32 value.
    pub fn int32(&self, tag: u32) -> Option<u32> {
        let e = self.entries.iter().find(|e| e.tag == tag)?;
        if e.kind != TYPE_INT32 || e.count == 0 {
            return None;
        }
        be32(self.data, e.offset)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a blob from (tag, type, value) with strings NUL-terminated.
    pub fn blob(entries: &[(u32, &str)], epoch: Option<u32>) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        let mut n = 0u32;
        if let Some(e) = epoch {
            index.extend_from_slice(&TAG_EPOCH.to_be_bytes());
            index.extend_from_slice(&TYPE_INT32.to_be_bytes());
            index.extend_from_slice(&(data.len() as u32).to_be_bytes());
            index.extend_from_slice(&1u32.to_be_bytes());
            data.extend_from_slice(&e.to_be_bytes());
            n += 1;
        }
        for (tag, value) in entries {
            index.extend_from_slice(&tag.to_be_bytes());
            index.extend_from_slice(&TYPE_STRING.to_be_bytes());
            index.extend_from_slice(&(data.len() as u32).to_be_bytes());
            index.extend_from_slice(&1u32.to_be_bytes());
            data.extend_from_slice(value.as_bytes());
            data.push(0);
            n += 1;
        }
        let mut out = Vec::new();
        out.extend_from_slice(&n.to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    #[test]
    fn reads_strings_and_epoch() {
        let b = blob(&[(TAG_NAME, "bash"), (TAG_VERSION, "5.1.8")], Some(1));
        let h = Header::parse(&b).unwrap();
        assert_eq!(h.string(TAG_NAME).as_deref(), Some("bash"));
        assert_eq!(h.int32(TAG_EPOCH), Some(1));
        assert_eq!(h.string(TAG_RELEASE), None);
    }

    #[test]
    fn corrupt_headers_are_refused() {
        assert!(Header::parse(&[0, 0]).is_err());
        let mut b = blob(&[(TAG_NAME, "bash")], None);
        b[4..8].copy_from_slice(&9999u32.to_be_bytes());
        assert!(Header::parse(&b).is_err());
        let mut b = blob(&[(TAG_NAME, "bash")], None);
        b[16..20].copy_from_slice(&500u32.to_be_bytes());
        assert!(Header::parse(&b).is_err());
    }
}
