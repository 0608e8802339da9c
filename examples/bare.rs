//! The parsing limit: how fast this machine can merely split and parse the billing files,
//! with nothing else done. The audit's time over this one says what the auditor's own work
//! costs.
//!
//! ```sh
//! cargo run --release --example bare -- target/bench-data/generic-10000000x8/billing --threads 2
//! ```
//!
//! Every CSV file is cut into byte ranges of about 64 MiB; each cut moves to just after
//! the next `\n` (the generated data has no quoted line breaks), and every range is parsed
//! with the `csv` crate into one reused `ByteRecord` on N threads (rayon), counting records
//! and bytes. `.xlsx` files cannot be split: each is streamed cell by cell with calamine
//! (as the auditor reads it) on one thread, counting rows. Header rows are not counted.
//! Prints records, bytes, seconds and MB/s (10^6 bytes).

use calamine::{Reader, Xlsx};
use clap::Parser;
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Split and parse CSV files (and stream .xlsx sheets), counting records: nothing else.
#[derive(Debug, Parser)]
struct Args {
    /// Billing files or folders (searched recursively for .csv and .xlsx).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Size of a CSV range in MiB.
    #[arg(long, default_value_t = 64)]
    range_mib: u64,
}

/// A piece of work: a byte range of a CSV file, or a whole workbook.
enum Task {
    Csv {
        path: PathBuf,
        start: u64,
        end: u64,
        /// The file's first range: its first record is the header.
        first: bool,
    },
    Xlsx(PathBuf),
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<io::Result<_>>()?;
        entries.sort();
        for entry in entries {
            collect(&entry, files)?;
        }
    } else {
        let extension = path
            .extension()
            .and_then(|extension| extension.to_str())
            .map(str::to_ascii_lowercase);
        if matches!(extension.as_deref(), Some("csv" | "xlsx")) {
            files.push(path.to_path_buf());
        }
    }
    Ok(())
}

/// The offset just after the first `\n` at or after `offset` (the file's size if none).
fn next_line_start(file: &mut File, offset: u64, size: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(offset))?;
    let mut buffer = [0u8; 64 * 1024];
    let mut position = offset;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(size);
        }
        if let Some(index) = buffer[..read].iter().position(|&byte| byte == b'\n') {
            return Ok(position + index as u64 + 1);
        }
        position += read as u64;
    }
}

fn plan(files: &[PathBuf], range: u64) -> io::Result<Vec<Task>> {
    let mut tasks = Vec::new();
    for path in files {
        if path
            .extension()
            .is_some_and(|extension| extension.eq_ignore_ascii_case("xlsx"))
        {
            tasks.push(Task::Xlsx(path.clone()));
            continue;
        }
        let mut file = File::open(path)?;
        let size = file.metadata()?.len();
        let mut start = 0;
        while start < size {
            let end = if start + range >= size {
                size
            } else {
                next_line_start(&mut file, start + range, size)?
            };
            tasks.push(Task::Csv {
                path: path.clone(),
                start,
                end,
                first: start == 0,
            });
            start = end;
        }
    }
    Ok(tasks)
}

/// Records (header excluded) and bytes of one task.
fn run(task: &Task) -> io::Result<(u64, u64)> {
    match task {
        Task::Csv {
            path,
            start,
            end,
            first,
        } => {
            let mut file = File::open(path)?;
            file.seek(SeekFrom::Start(*start))?;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(*first)
                .flexible(true)
                .buffer_capacity(1 << 20)
                .from_reader(file.take(end - start));
            let mut record = csv::ByteRecord::new();
            let mut records = 0;
            while reader
                .read_byte_record(&mut record)
                .map_err(io::Error::other)?
            {
                records += 1;
            }
            Ok((records, end - start))
        }
        Task::Xlsx(path) => {
            let bytes = std::fs::metadata(path)?.len();
            let mut workbook: Xlsx<BufReader<File>> =
                calamine::open_workbook(path).map_err(io::Error::other)?;
            let mut records = 0;
            for name in workbook.sheet_names() {
                let mut cells = workbook
                    .worksheet_cells_reader(&name)
                    .map_err(io::Error::other)?;
                let mut last_row = None;
                while let Some(cell) = cells.next_cell().map_err(io::Error::other)? {
                    let row = cell.get_position().0;
                    if last_row != Some(row) {
                        if last_row.is_some() {
                            records += 1;
                        }
                        last_row = Some(row);
                    }
                }
            }
            Ok((records, bytes))
        }
    }
}

fn main() {
    let args = Args::parse();
    let started = Instant::now();
    let mut files = Vec::new();
    for path in &args.paths {
        if let Err(error) = collect(path, &mut files) {
            eprintln!("bare: {}: {error}", path.display());
            std::process::exit(2);
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.max(1))
        .build()
        .expect("thread pool");
    let result = pool.install(|| -> io::Result<(usize, u64, u64)> {
        let tasks = plan(&files, args.range_mib.max(1) << 20)?;
        let (records, bytes) = tasks
            .par_iter()
            .map(run)
            .try_reduce(|| (0, 0), |a, b| Ok((a.0 + b.0, a.1 + b.1)))?;
        Ok((tasks.len(), records, bytes))
    });
    let seconds = started.elapsed().as_secs_f64();
    match result {
        Ok((tasks, records, bytes)) => {
            println!("files    {}", files.len());
            println!("ranges   {tasks}");
            println!("threads  {}", args.threads.max(1));
            println!("records  {records}");
            println!("bytes    {bytes}");
            println!("seconds  {seconds:.3}");
            println!("MB/s     {:.1}", bytes as f64 / 1e6 / seconds);
        }
        Err(error) => {
            eprintln!("bare: {error}");
            std::process::exit(1);
        }
    }
}
