package e2e_test

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// npmBuild copies the npm fixture in dir (leaving out node_modules and dist) to a temporary directory,
// installs its pinned packages there with `npm ci` (from the npm registry, nothing else) and runs its
// build script; it returns the directory. why says what needs npm, for the message when it is missing.
func npmBuild(t *testing.T, fixture, why string) string {
	t.Helper()
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm not found: %s with npm; install Node.js and npm (apt-get install nodejs npm): %v", why, err)
	}
	dir := t.TempDir()
	err = fs.WalkDir(os.DirFS(fixture), ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "node_modules" || d.Name() == "dist"):
			return fs.SkipDir
		case d.IsDir():
			return os.MkdirAll(filepath.Join(dir, name), 0o755)
		}
		b, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, name), b, 0o644)
	})
	require.NoError(t, err, "copy %s", fixture)
	for _, args := range [][]string{{"ci", "--no-audit", "--no-fund"}, {"run", "build"}} {
		start := time.Now()
		cmd := exec.CommandContext(t.Context(), npm, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "npm %v:\n%s", args, out)
		t.Logf("npm %s: %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	}
	return dir
}
