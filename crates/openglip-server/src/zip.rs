//! A minimal ZIP writer for the data export's datasets: entries *stored* (not compressed), each
//! with its CRC-32, then the central directory (PKWARE's APPNOTE, version 2.0 features only).
//! Every unzip tool, Python's `zipfile` and Node's archive readers read it. Small on purpose: a
//! dataset is JSON text and files already compressed as their formats are (images, archives);
//! a dependency for deflate is not worth it here. Entries may be written in chunks
//! ([`ZipWriter`]), so files stream from the blob store into the archive.

/// The CRC-32 table (IEEE 802.3, reflected, polynomial 0xEDB88320).
fn crc_table() -> &'static [u32; 256] {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
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
    })
}

/// A CRC-32 computed over chunks as they come.
#[derive(Debug, Clone, Copy)]
struct Crc(u32);

impl Crc {
    fn new() -> Crc {
        Crc(0xFFFF_FFFF)
    }

    fn update(&mut self, bytes: &[u8]) {
        let table = crc_table();
        for b in bytes {
            self.0 = table[((self.0 ^ u32::from(*b)) & 0xFF) as usize] ^ (self.0 >> 8);
        }
    }

    fn value(self) -> u32 {
        !self.0
    }
}

/// CRC-32 as ZIP wants it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = Crc::new();
    c.update(bytes);
    c.value()
}

/// 1980-01-01 00:00, the earliest DOS date: the archive does not depend on the clock.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// Flags: UTF-8 names.
const FLAGS: u16 = 1 << 11;

/// An entry being written: where its local header starts, and its CRC so far.
struct Open {
    name: String,
    header_at: usize,
    data_at: usize,
    crc: Crc,
}

/// An archive written entry by entry, each entry's content in as many chunks as it comes in
/// (a file streamed from the blob store is never whole in memory twice): the local header is
/// written first and its CRC and sizes filled in when the entry ends. Names are UTF-8 (flag
/// bit 11). Each entry and the whole archive must stay under 4 GiB (no ZIP64).
#[derive(Default)]
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: usize,
    open: Option<Open>,
}

impl ZipWriter {
    pub fn new() -> ZipWriter {
        ZipWriter::default()
    }

    /// The archive's size so far (without its central directory).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0 && self.open.is_none()
    }

    /// Starts an entry named `name` (the one before must have ended).
    pub fn start(&mut self, name: &str) -> Result<(), String> {
        if self.open.is_some() {
            return Err("an entry is still open".into());
        }
        let name_len = u16::try_from(name.len()).map_err(|_| "a file name is too long")?;
        let header_at = self.out.len();
        let o = &mut self.out;
        o.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        o.extend_from_slice(&20u16.to_le_bytes()); // version needed
        o.extend_from_slice(&FLAGS.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        o.extend_from_slice(&DOS_TIME.to_le_bytes());
        o.extend_from_slice(&DOS_DATE.to_le_bytes());
        o.extend_from_slice(&[0; 12]); // CRC, sizes: filled in by `end`
        o.extend_from_slice(&name_len.to_le_bytes());
        o.extend_from_slice(&0u16.to_le_bytes()); // extra
        o.extend_from_slice(name.as_bytes());
        self.open = Some(Open {
            name: name.to_string(),
            header_at,
            data_at: self.out.len(),
            crc: Crc::new(),
        });
        Ok(())
    }

    /// Appends a chunk of the open entry's content.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), String> {
        let open = self.open.as_mut().ok_or("no entry is open")?;
        open.crc.update(chunk);
        self.out.extend_from_slice(chunk);
        Ok(())
    }

    /// Gives up the open entry (its content could not be read): the archive is as before it.
    pub fn abandon(&mut self) {
        if let Some(open) = self.open.take() {
            self.out.truncate(open.header_at);
        }
    }

    /// Ends the open entry: its header completed, its central directory entry kept.
    pub fn end(&mut self) -> Result<(), String> {
        let open = self.open.take().ok_or("no entry is open")?;
        let size = u32::try_from(self.out.len() - open.data_at)
            .map_err(|_| format!("{} is over 4 GiB", open.name))?;
        let offset = u32::try_from(open.header_at).map_err(|_| "the archive is over 4 GiB")?;
        let crc = open.crc.value();
        let mut sizes = [0u8; 12];
        sizes[..4].copy_from_slice(&crc.to_le_bytes());
        sizes[4..8].copy_from_slice(&size.to_le_bytes()); // compressed
        sizes[8..].copy_from_slice(&size.to_le_bytes()); // uncompressed
        self.out[open.header_at + 14..open.header_at + 26].copy_from_slice(&sizes);
        let c = &mut self.central;
        c.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        c.extend_from_slice(&20u16.to_le_bytes()); // version made by
        c.extend_from_slice(&20u16.to_le_bytes()); // version needed
        c.extend_from_slice(&FLAGS.to_le_bytes());
        c.extend_from_slice(&0u16.to_le_bytes());
        c.extend_from_slice(&DOS_TIME.to_le_bytes());
        c.extend_from_slice(&DOS_DATE.to_le_bytes());
        c.extend_from_slice(&sizes);
        c.extend_from_slice(&(open.name.len() as u16).to_le_bytes());
        c.extend_from_slice(&[0; 8]); // extra, comment, disk, internal attributes
        c.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        c.extend_from_slice(&offset.to_le_bytes());
        c.extend_from_slice(open.name.as_bytes());
        self.entries += 1;
        Ok(())
    }

    /// One whole entry.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<(), String> {
        self.start(name)?;
        self.write(data)?;
        self.end()
    }

    /// The archive: the entries, their central directory and its end.
    pub fn finish(mut self) -> Result<Vec<u8>, String> {
        if self.open.is_some() {
            return Err("an entry is still open".into());
        }
        let entries = u16::try_from(self.entries).map_err(|_| "too many files")?;
        let dir_offset = u32::try_from(self.out.len()).map_err(|_| "the archive is over 4 GiB")?;
        let dir_size =
            u32::try_from(self.central.len()).map_err(|_| "the archive is over 4 GiB")?;
        let mut out = std::mem::take(&mut self.out);
        out.extend_from_slice(&self.central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        out.extend_from_slice(&entries.to_le_bytes());
        out.extend_from_slice(&entries.to_le_bytes());
        out.extend_from_slice(&dir_size.to_le_bytes());
        out.extend_from_slice(&dir_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment
        Ok(out)
    }
}

/// The archive of `files` (name, contents), in order.
pub fn archive(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new();
    for (name, data) in files {
        zip.add(name, data)?;
    }
    zip.finish()
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
        // Streamed in chunks, with an entry given up half-way: the same archive.
        let mut w = ZipWriter::new();
        for (n, d) in &files {
            w.start("gone.bin").unwrap();
            w.write(b"half").unwrap();
            w.abandon();
            w.start(n).unwrap();
            for chunk in d.chunks(7_000) {
                w.write(chunk).unwrap();
            }
            w.end().unwrap();
        }
        assert_eq!(w.finish().unwrap(), zip);
        // A flipped byte is caught.
        let mut bad = zip.clone();
        bad[40] ^= 1;
        assert!(read(&bad).is_err());
    }
}
