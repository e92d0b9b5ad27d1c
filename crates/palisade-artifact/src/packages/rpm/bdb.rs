//! rpm's Berkeley DB backend (`/var/lib/rpm/Packages`, RHEL/CentOS ≤ 8, Amazon Linux 2,
//! older SUSE): a Berkeley DB *hash* database whose keys are header numbers and whose
//! values are header blobs.
//!
//! Layout (libdb 5.3 `dbinc/db_page.h`, `dbinc/hash.h`): page 0 is the hash metadata page
//! (magic `0x061561` at byte 12, page size at byte 20, last page number at byte 32, page
//! type 8 at byte 25). Every page starts with a 26-byte header: LSN (8), page number (4),
//! previous and next page (4 + 4), entry count (2), free-area offset (2), level (1), type
//! (1). Hash pages (type 13, or 2 for the unsorted pre-4.6 form) carry `entries` 16-bit
//! offsets after the header, in key/value pairs; each item starts with its own type byte:
//! `H_KEYDATA` (1) with the bytes inline, running up to the previous item's start (items
//! are packed from the page end down), or `H_OFFPAGE` (3) followed by 3 pad bytes, the
//! first overflow page number and the total length. Overflow pages (type 7) hold
//! `free-area offset` bytes of data after their header and chain through `next page`.
//! The integers are in the byte order of the machine that wrote the file; the magic says
//! which.
//!
//! Only reading is implemented, and every offset, length and page number is checked
//! against the file before use: a corrupt file is an error, never a panic or a loop.

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
/// `H_OFFPAGE` item: type, 3 unused bytes, first page, total length.
const OFFPAGE_ITEM: usize = 12;
/// rpm refuses headers beyond this (`HEADER_DATA_MAX` plus the index), so do we.
const MAX_VALUE: usize = 256 << 20;

#[derive(Clone, Copy)]
struct Order {
    big_endian: bool,
}

impl Order {
    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        })
    }

    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.big_endian {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        })
    }
}

struct Db<'a> {
    bytes: &'a [u8],
    page_size: usize,
    pages: usize,
    order: Order,
}

impl<'a> Db<'a> {
    fn page(&self, pgno: u32) -> Result<&'a [u8], String> {
        let n = pgno as usize;
        if n >= self.pages {
            return Err(format!(
                "page {pgno} is beyond the end of the file ({} pages)",
                self.pages
            ));
        }
        let start = n * self.page_size;
        Ok(&self.bytes[start..start + self.page_size])
    }

    /// Follows an overflow chain from `first` for `len` bytes.
    fn overflow(&self, first: u32, len: usize) -> Result<Vec<u8>, String> {
        if len > MAX_VALUE {
            return Err(format!(
                "value of {len} bytes exceeds the {MAX_VALUE}-byte limit"
            ));
        }
        let mut out = Vec::with_capacity(len.min(self.bytes.len()));
        let mut pgno = first;
        let mut visited = std::collections::HashSet::new();
        loop {
            if !visited.insert(pgno) {
                return Err(format!(
                    "overflow chain from page {first} loops at page {pgno}"
                ));
            }
            let page = self.page(pgno)?;
            if page[25] != P_OVERFLOW {
                return Err(format!(
                    "page {pgno}: expected an overflow page, found type {}",
                    page[25]
                ));
            }
            let here = self.order.u16(page, 22).unwrap_or(0) as usize;
            let data = page
                .get(PAGE_HEADER..PAGE_HEADER + here)
                .ok_or_else(|| format!("page {pgno}: overflow length {here} exceeds the page"))?;
            let take = data.len().min(len - out.len());
            out.extend_from_slice(&data[..take]);
            if out.len() == len {
                return Ok(out);
            }
            pgno = self.order.u32(page, 16).unwrap_or(0);
            if pgno == 0 {
                return Err(format!(
                    "overflow chain from page {first} ends after {} of {len} bytes",
                    out.len()
                ));
            }
        }
    }
}

/// The values of a Berkeley DB hash file with their keys read as header numbers, in page
/// order. Values that are not header blobs (rpm keeps a counter under key 0) are left to
/// the header parser's caller to skip.
pub fn blobs(bytes: &[u8]) -> Result<Vec<(i64, Vec<u8>)>, String> {
    let magic_at = |big_endian| Order { big_endian }.u32(bytes, 12);
    let order = if magic_at(false) == Some(HASH_MAGIC) {
        Order { big_endian: false }
    } else if magic_at(true) == Some(HASH_MAGIC) {
        Order { big_endian: true }
    } else if bytes.len() >= 16 {
        return Err(
            "not a Berkeley DB hash database (bad magic; btree databases are not rpm's Packages)"
                .into(),
        );
    } else {
        return Err("truncated Berkeley DB file".into());
    };
    if bytes.get(25) != Some(&P_HASHMETA) {
        return Err("page 0 is not a hash metadata page".into());
    }
    let page_size = order.u32(bytes, 20).unwrap_or(0) as usize;
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!("invalid page size {page_size}"));
    }
    let last = order.u32(bytes, 32).unwrap_or(0) as usize;
    let pages = bytes.len() / page_size;
    if last >= pages {
        return Err(format!(
            "metadata names page {last} as the last, but the file holds {pages} pages (truncated?)"
        ));
    }
    let db = Db {
        bytes,
        page_size,
        pages: last + 1,
        order,
    };
    let mut out = Vec::new();
    for pgno in 1..db.pages as u32 {
        let page = db.page(pgno)?;
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let entries = order.u16(page, 20).unwrap_or(0) as usize;
        if PAGE_HEADER + entries * 2 > page_size {
            return Err(format!("page {pgno}: {entries} entries cannot fit"));
        }
        let offset = |i: usize| order.u16(page, PAGE_HEADER + i * 2).unwrap_or(0) as usize;
        // An inline item runs from its offset to the start of the item before it.
        let item = |i: usize| -> Result<&[u8], String> {
            let start = offset(i);
            let end = if i == 0 { page_size } else { offset(i - 1) };
            if start < PAGE_HEADER + entries * 2 || start >= end || end > page_size {
                return Err(format!("page {pgno}: item {i} has a bad offset {start}"));
            }
            Ok(&page[start..end])
        };
        for pair in 0..entries / 2 {
            let key = item(pair * 2)?;
            let value = item(pair * 2 + 1)?;
            let key_number = if key[0] == H_KEYDATA && key.len() >= 5 {
                order.u32(key, 1).map(i64::from).unwrap_or(-1)
            } else {
                -1
            };
            let blob = match value[0] {
                H_KEYDATA => value[1..].to_vec(),
                H_OFFPAGE if value.len() >= OFFPAGE_ITEM => {
                    let first = order.u32(value, 4).unwrap_or(0);
                    let len = order.u32(value, 8).unwrap_or(0) as usize;
                    db.overflow(first, len)
                        .map_err(|e| format!("record {key_number}: {e}"))?
                }
                other => {
                    return Err(format!(
                        "page {pgno}: record {key_number} has unsupported item type {other} (duplicates are not used by rpm)"
                    ))
                }
            };
            out.push((key_number, blob));
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little-endian hash file, built from the layout above: metadata page, one hash page
    /// holding `records` (inline when `inline`, else each on its own overflow chain of
    /// `chunk`-byte pages).
    pub(crate) fn build(records: &[(u32, Vec<u8>)], inline: bool, chunk: usize) -> Vec<u8> {
        const PS: usize = 4096;
        let mut pages: Vec<Vec<u8>> = vec![vec![0; PS], vec![0; PS]];
        pages[0][12..16].copy_from_slice(&HASH_MAGIC.to_le_bytes());
        pages[0][20..24].copy_from_slice(&(PS as u32).to_le_bytes());
        pages[0][25] = P_HASHMETA;
        let mut items: Vec<Vec<u8>> = Vec::new();
        for (key, value) in records {
            let mut k = vec![H_KEYDATA];
            k.extend_from_slice(&key.to_le_bytes());
            items.push(k);
            if inline {
                let mut v = vec![H_KEYDATA];
                v.extend_from_slice(value);
                items.push(v);
            } else {
                let first = pages.len() as u32;
                let parts: Vec<&[u8]> = value.chunks(chunk).collect();
                for (i, part) in parts.iter().enumerate() {
                    let mut p = vec![0; PS];
                    p[8..12].copy_from_slice(&(pages.len() as u32).to_le_bytes());
                    let next = if i + 1 < parts.len() {
                        pages.len() as u32 + 1
                    } else {
                        0
                    };
                    p[16..20].copy_from_slice(&next.to_le_bytes());
                    p[22..24].copy_from_slice(&(part.len() as u16).to_le_bytes());
                    p[25] = P_OVERFLOW;
                    p[PAGE_HEADER..PAGE_HEADER + part.len()].copy_from_slice(part);
                    pages.push(p);
                }
                let mut v = vec![H_OFFPAGE, 0, 0, 0];
                v.extend_from_slice(&first.to_le_bytes());
                v.extend_from_slice(&(value.len() as u32).to_le_bytes());
                items.push(v);
            }
        }
        let hash = &mut pages[1];
        hash[8..12].copy_from_slice(&1u32.to_le_bytes());
        hash[20..22].copy_from_slice(&(items.len() as u16).to_le_bytes());
        hash[25] = P_HASH;
        let mut end = PS;
        for (i, it) in items.iter().enumerate() {
            let start = end - it.len();
            hash[start..end].copy_from_slice(it);
            hash[PAGE_HEADER + i * 2..PAGE_HEADER + i * 2 + 2]
                .copy_from_slice(&(start as u16).to_le_bytes());
            end = start;
        }
        let last = pages.len() as u32 - 1;
        pages[0][32..36].copy_from_slice(&last.to_le_bytes());
        pages.concat()
    }

    #[test]
    fn inline_and_overflow_values_are_read() {
        let a = vec![7u8; 10];
        let b: Vec<u8> = (0..9000u32).map(|i| i as u8).collect();
        let file = build(&[(1, a.clone()), (2, b.clone())], false, 3000);
        assert_eq!(blobs(&file).unwrap(), vec![(1, a.clone()), (2, b.clone())]);
        let file = build(&[(5, a.clone())], true, 0);
        assert_eq!(blobs(&file).unwrap(), vec![(5, a)]);
    }

    #[test]
    fn corrupt_files_are_errors_not_panics() {
        let b: Vec<u8> = vec![1; 5000];
        let good = build(&[(1, b)], false, 3000);
        assert!(blobs(&good[..100]).is_err());
        assert!(blobs(&good[..4096 * 2]).unwrap_err().contains("truncated"));
        assert!(blobs(b"garbage garbage garbage").is_err());
        // overflow chain pointing at itself
        let mut looped = good.clone();
        let p2 = 2 * 4096;
        looped[p2 + 16..p2 + 20].copy_from_slice(&2u32.to_le_bytes());
        assert!(blobs(&looped).is_err());
        // every single-byte corruption of the first pages: an answer, never a panic
        for at in (0..good.len()).step_by(7) {
            let mut bad = good.clone();
            bad[at] ^= 0xff;
            let _ = blobs(&bad);
        }
    }
}
