package cluster

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTicks is the unit of the CPU times in /proc/<pid>/stat (USER_HZ), 100 per second on Linux.
const clockTicks = 100

// CPUTime returns the CPU time, user and system, the running service has used so far.
func (s *Service) CPUTime() (time.Duration, error) {
	return s.proc.cpuTime()
}

// CPUTime returns the CPU time, user and system, the running server has used so far.
func (r *Redis) CPUTime() (time.Duration, error) {
	return r.proc.cpuTime()
}

// cpuTime reads utime and stime from /proc/<pid>/stat.
func (p *process) cpuTime() (time.Duration, error) {
	if p.cmd == nil {
		return 0, fmt.Errorf("%s is not running", p.name)
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0, fmt.Errorf("read stat of %s: %w", p.name, err)
	}
	// The command name, in parentheses, may hold spaces; the fields after it start with the state
	// (field 3), so utime and stime (fields 14 and 15) are the 12th and 13th.
	fields := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("stat of %s: %d fields", p.name, len(fields))
	}
	var ticks int64
	for _, f := range fields[11:13] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat of %s: %w", p.name, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}
