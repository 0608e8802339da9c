//! A minimal, deterministic zip writer for the bill-subscription archive: members are
//! compressed with method 8 (Deflate), as Alibaba's archives are, using stored
//! (uncompressed) deflate blocks, so the auditor's real inflate path reads them while no
//! compression library is needed. Fixed timestamps keep the bytes identical run to run.

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const DEFLATE: u16 = 8;
const VERSION: u16 = 20;

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
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
    !data.iter().fold(!0u32, |c, &b| {
        table[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8)
    })
}

/// A deflate stream of stored blocks (BTYPE 00), at most 65,535 bytes each.
fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 65_535 * 5 + 5);
    let mut chunks: Vec<&[u8]> = data.chunks(65_535).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        out.push(u8::from(i == last));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out
}

/// MS-DOS time and date fields.
fn dos_time(y: u16, mo: u16, d: u16, h: u16, mi: u16) -> (u16, u16) {
    ((h << 11) | (mi << 5), ((y - 1980) << 9) | (mo << 5) | d)
}

/// The archive's bytes: `members` in the given order, all stamped `when`
/// (year, month, day, hour, minute).
pub fn zip(members: &[(String, Vec<u8>)], when: (u16, u16, u16, u16, u16)) -> Vec<u8> {
    let (time, date) = dos_time(when.0, when.1, when.2, when.3, when.4);
    let mut out = Vec::new();
    let mut central = Vec::new();
    let put16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let put32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for (name, data) in members {
        let packed = deflate_stored(data);
        let crc = crc32(data);
        let offset = out.len() as u32;
        put32(&mut out, LOCAL);
        put16(&mut out, VERSION);
        put16(&mut out, 0); // flags
        put16(&mut out, DEFLATE);
        put16(&mut out, time);
        put16(&mut out, date);
        put32(&mut out, crc);
        put32(&mut out, packed.len() as u32);
        put32(&mut out, data.len() as u32);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0); // extra
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&packed);

        put32(&mut central, CENTRAL);
        put16(&mut central, VERSION); // made by (MS-DOS)
        put16(&mut central, VERSION);
        put16(&mut central, 0);
        put16(&mut central, DEFLATE);
        put16(&mut central, time);
        put16(&mut central, date);
        put32(&mut central, crc);
        put32(&mut central, packed.len() as u32);
        put32(&mut central, data.len() as u32);
        put16(&mut central, name.len() as u16);
        put16(&mut central, 0); // extra
        put16(&mut central, 0); // comment
        put16(&mut central, 0); // disk
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    let cd_size = central.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, END);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, members.len() as u16);
    put16(&mut out, members.len() as u16);
    put32(&mut out, cd_size);
    put32(&mut out, cd_offset);
    put16(&mut out, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn stored_blocks_split_at_the_block_limit() {
        let data = vec![7u8; 70_000];
        let packed = deflate_stored(&data);
        assert_eq!(packed.len(), 70_000 + 10);
        assert_eq!(packed[0], 0);
        assert_eq!(packed[5 + 65_535], 1);
    }
}
