//! CPU seconds of this process, for the stage benchmarks (`read_billing`, `stages`).

/// CPU seconds of this process so far, every living thread counted: the nanoseconds each
/// thread ran (`/proc/self/task/*/schedstat`, first field), where the kernel keeps them;
/// else user plus system time from `/proc/self/stat`, in clock ticks of 10 ms — too
/// coarse to tell apart two builds a few percent apart on a stage of 0.4 s. The stage
/// benchmarks' threads (rayon's pool) live as long as the process, so none is missed.
pub fn cpu_seconds() -> f64 {
    scheduled_seconds().unwrap_or_else(ticked_seconds)
}

fn scheduled_seconds() -> Option<f64> {
    // Whether the kernel keeps the counts at all: the process's own file says, so a
    // thread that ends while the tasks are read cannot switch one reading to ticks.
    std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let mut nanoseconds = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        // A thread that ended since the folder was listed took its time with it.
        let Ok(schedstat) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        nanoseconds += schedstat.split(' ').next()?.parse::<u64>().ok()?;
    }
    Some(nanoseconds as f64 / 1e9)
}

fn ticked_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // The command name is in parentheses and may hold spaces: count fields after it.
    let after = &stat[stat.rfind(')').expect("a command name") + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    // Fields 14 and 15 of the line (utime, stime) are the 12th and 13th after the name.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}
