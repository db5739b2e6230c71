//! A minimal ZIP writer for the data export's datasets: entries *stored* (not compressed), each
//! with its CRC-32, then the central directory (PKWARE's APPNOTE, version 2.0 features only).
//! Every unzip tool, Python's `zipfile` and Node's archive readers read it. Small on purpose: a
//! dataset is JSON text written once; a dependency for deflate is not worth it here.

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP wants it.
pub fn crc32(bytes: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc = table[((crc ^ u32::from(*b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The archive of `files` (name, contents), in order. Names are UTF-8 (flag bit 11). Each file
/// and the whole archive must stay under 4 GiB (no ZIP64): more is an error.
pub fn archive(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    // 1980-01-01 00:00, the earliest DOS date: the archive does not depend on the clock.
    let (time, date): (u16, u16) = (0, (1 << 5) | 1);
    for (name, data) in files {
        let offset = u32::try_from(out.len()).map_err(|_| "the archive is over 4 GiB")?;
        let size = u32::try_from(data.len()).map_err(|_| format!("{name} is over 4 GiB"))?;
        let crc = crc32(data);
        let name_len = u16::try_from(name.len()).map_err(|_| "a file name is too long")?;
        // Local file header.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes()); // version needed
        out.extend_from_slice(&(1u16 << 11).to_le_bytes()); // flags: UTF-8 names
        out.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        out.extend_from_slice(&time.to_le_bytes());
        out.extend_from_slice(&date.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes()); // compressed
        out.extend_from_slice(&size.to_le_bytes()); // uncompressed
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // extra
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        // Its central directory entry.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&20u16.to_le_bytes()); // version needed
        central.extend_from_slice(&(1u16 << 11).to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&time.to_le_bytes());
        central.extend_from_slice(&date.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&size.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let entries = u16::try_from(files.len()).map_err(|_| "too many files")?;
    let dir_offset = u32::try_from(out.len()).map_err(|_| "the archive is over 4 GiB")?;
    let dir_size = u32::try_from(central.len()).map_err(|_| "the archive is over 4 GiB")?;
    out.extend_from_slice(&central);
    // End of central directory.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&entries.to_le_bytes());
    out.extend_from_slice(&dir_size.to_le_bytes());
    out.extend_from_slice(&dir_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment
    Ok(out)
}

/// Reads back the files of an archive [`archive`] wrote (stored entries), checking each CRC:
/// for tests and for whoever checks a dataset.
pub fn read(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let u16_at = |i: usize| -> Result<u16, String> {
        Ok(u16::from_le_bytes(
            bytes
                .get(i..i + 2)
                .ok_or("truncated")?
                .try_into()
                .map_err(|_| "truncated")?,
        ))
    };
    let u32_at = |i: usize| -> Result<u32, String> {
        Ok(u32::from_le_bytes(
            bytes
                .get(i..i + 4)
                .ok_or("truncated")?
                .try_into()
                .map_err(|_| "truncated")?,
        ))
    };
    let mut files = Vec::new();
    let mut at = 0;
    while u32_at(at)? == 0x0403_4b50 {
        if u16_at(at + 8)? != 0 {
            return Err("not a stored entry".into());
        }
        let crc = u32_at(at + 14)?;
        let size = u32_at(at + 18)? as usize;
        let name_len = u16_at(at + 26)? as usize;
        let extra = u16_at(at + 28)? as usize;
        let name_at = at + 30;
        let data_at = name_at + name_len + extra;
        let name = std::str::from_utf8(bytes.get(name_at..name_at + name_len).ok_or("truncated")?)
            .map_err(|_| "a name is not UTF-8")?
            .to_string();
        let data = bytes
            .get(data_at..data_at + size)
            .ok_or("truncated")?
            .to_vec();
        if crc32(&data) != crc {
            return Err(format!("{name}: CRC mismatch"));
        }
        files.push((name, data));
        at = data_at + size;
    }
    if u32_at(at)? != 0x0201_4b50 && !files.is_empty() {
        return Err("no central directory".into());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn an_archive_reads_back_with_its_names_and_contents() {
        let files = vec![
            ("posts.json", b"[{\"text\":\"h\xc3\xa9\"}]".to_vec()),
            ("chats/ünïcode.json", vec![]),
            ("big.bin", (0..70_000u32).map(|i| (i % 251) as u8).collect()),
        ];
        let zip = archive(&files).unwrap();
        assert_eq!(&zip[..4], b"PK\x03\x04");
        assert_eq!(&zip[zip.len() - 22..zip.len() - 18], b"PK\x05\x06");
        let back = read(&zip).unwrap();
        assert_eq!(back.len(), 3);
        for ((n, d), (bn, bd)) in files.iter().zip(&back) {
            assert_eq!((*n, d), (bn.as_str(), bd));
        }
        // A flipped byte is caught.
        let mut bad = zip.clone();
        bad[40] ^= 1;
        assert!(read(&bad).is_err());
    }
}
