package cluster

import (
	"path/filepath"
	"slices"
)

// AnotherProcessor prepares one more processor on the stack (not started), logging to <name>.log in the
// stack's directory, with env added to the stack's environment: give it its own CONSUMER_NAME. The caller
// stops it; Close does not know it.
func (s *Stack) AnotherProcessor(name string, env ...string) *Service {
	svc := NewService(s.binDir, "processor", s.Dir, 0, slices.Concat(s.Env, env)...)
	svc.proc.log = filepath.Join(s.Dir, name+".log")
	return svc
}
