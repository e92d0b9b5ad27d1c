//! rpm's NDB backend (`Packages.db`, SUSE): a header page with the slot count, slots of
//! 16 bytes (`Slot`, package index, block offset, block count) and blobs at
//! `offset * 16` each starting with `BlbS`, package index, generation and length.
//! All integers little-endian (rpm's `lib/backend/ndb/rpmpkg.c`).

const HEADER_MAGIC: u32 = u32::from_le_bytes(*b"RpmP");
const SLOT_MAGIC: u32 = u32::from_le_bytes(*b"Slot");
const BLOB_MAGIC: u32 = u32::from_le_bytes(*b"BlbS");
const PAGE_SIZE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLOCK_SIZE: usize = 16;
/// The first two slot-sized units of page 0 hold the file header.
const SLOT_START: usize = 2;

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The header blobs of an NDB file, keyed by package index.
pub fn blobs(bytes: &[u8]) -> Result<Vec<(i64, Vec<u8>)>, String> {
    if le32(bytes, 0) != Some(HEADER_MAGIC) {
        return Err("not an rpm NDB database (bad magic)".into());
    }
    let slot_pages = le32(bytes, 12).ok_or("truncated NDB header")? as usize;
    if slot_pages == 0 || slot_pages.saturating_mul(PAGE_SIZE) > bytes.len() {
        return Err(format!(
            "NDB header claims {slot_pages} slot pages beyond the file"
        ));
    }
    let slots = slot_pages * PAGE_SIZE / SLOT_SIZE;
    let mut out = Vec::new();
    for i in SLOT_START..slots {
        let at = i * SLOT_SIZE;
        if le32(bytes, at) != Some(SLOT_MAGIC) {
            return Err(format!("slot {i}: bad magic"));
        }
        let pkg = le32(bytes, at + 4).unwrap_or(0);
        let blk_off = le32(bytes, at + 8).unwrap_or(0) as usize;
        if pkg == 0 {
            continue;
        }
        let start = blk_off.saturating_mul(BLOCK_SIZE);
        if le32(bytes, start) != Some(BLOB_MAGIC) {
            return Err(format!(
                "package {pkg}: blob magic missing at offset {start}"
            ));
        }
        if le32(bytes, start + 4) != Some(pkg) {
            return Err(format!("package {pkg}: blob belongs to another package"));
        }
        let len = le32(bytes, start + 12).unwrap_or(0) as usize;
        let blob = bytes
            .get(start + 16..start + 16 + len)
            .ok_or_else(|| format!("package {pkg}: blob runs past the end of the file"))?;
        out.push((pkg as i64, blob.to_vec()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blobs_and_refuses_garbage() {
        let mut db = vec![0u8; PAGE_SIZE];
        db[0..4].copy_from_slice(b"RpmP");
        db[12..16].copy_from_slice(&1u32.to_le_bytes());
        for i in SLOT_START..PAGE_SIZE / SLOT_SIZE {
            db[i * 16..i * 16 + 4].copy_from_slice(b"Slot");
        }
        // slot 2 -> package 1 at block 256 (offset 4096)
        db[32 + 4..32 + 8].copy_from_slice(&1u32.to_le_bytes());
        db[32 + 8..32 + 12].copy_from_slice(&256u32.to_le_bytes());
        let mut blob = Vec::new();
        blob.extend_from_slice(b"BlbS");
        blob.extend_from_slice(&1u32.to_le_bytes());
        blob.extend_from_slice(&0u32.to_le_bytes());
        blob.extend_from_slice(&3u32.to_le_bytes());
        blob.extend_from_slice(b"abc");
        db.extend(blob);
        assert_eq!(blobs(&db).unwrap(), vec![(1, b"abc".to_vec())]);
        assert!(blobs(b"nope").is_err());
        db.truncate(PAGE_SIZE + 10);
        assert!(blobs(&db).is_err());
    }
}
