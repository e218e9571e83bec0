// Command runc-wrapper is the e2e node's OCI runtime: it removes CAP_SYS_RESOURCE from a container's
// capability sets before handing `create` and `run` to runc, and from the process of an `exec` (`--process
// FILE`: containerd builds it from the container's original spec, so exec probes and lifecycle hooks of a
// container that asked for the capability would fail the same way), and execs runc unchanged for every other
// call. Only `create` and `run` removals are logged.
//
// The host of the e2e suite cannot grant CAP_SYS_RESOURCE to a container (runc fails with "unable to apply
// caps"), privileged ones included. Every removal is appended to $RUNC_WRAPPER_LOG (one line per container),
// so the suite can list which containers asked for it. $RUNC_WRAPPER_RUNC names the real runc (default
// /usr/sbin/runc).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const dropped = "CAP_SYS_RESOURCE"

func main() {
	runc := os.Getenv("RUNC_WRAPPER_RUNC")
	if runc == "" {
		runc = "/usr/sbin/runc"
	}
	sub, bundle, id, process := parse(os.Args[1:])
	var err error
	switch {
	case sub == "create" || sub == "run":
		err = strip(filepath.Join(bundle, "config.json"), id, true)
	case sub == "exec" && process != "":
		err = strip(process, id, false)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: %v\n", err)
		os.Exit(1)
	}
	args := append([]string{runc}, os.Args[1:]...)
	if err := syscall.Exec(runc, args, os.Environ()); err != nil {
		fmt.Fprintf(os.Stderr, "runc-wrapper: exec %s: %v\n", runc, err)
		os.Exit(1)
	}
}

// parse finds the subcommand, the bundle directory (default: the working directory), the container id and
// the process file of an exec.
func parse(args []string) (sub, bundle, id, process string) {
	bundle = "."
	valueFlags := map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true,
		"--rootless": true, "--bundle": true, "-b": true, "--pid-file": true, "--console-socket": true,
		"--preserve-fds": true, "--process": true, "-p": true}
	// The flags whose values the wrapper reads, as `--flag value` or `--flag=value`.
	read := map[string]*string{"--bundle": &bundle, "-b": &bundle, "--process": &process, "-p": &process}
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, inline := strings.Cut(a, "=")
		switch {
		case read[a] != nil:
			if i+1 < len(args) {
				*read[a] = args[i+1]
			}
			i++
		case inline && read[name] != nil:
			*read[name] = value
		case strings.HasPrefix(a, "-") && !strings.Contains(a, "="):
			if valueFlags[a] {
				i++
			}
		case strings.HasPrefix(a, "-"):
		case sub == "":
			sub = a
		case id == "":
			id = a
		}
	}
	return sub, bundle, id, process
}

// strip removes the capability from a container's config.json (`process.capabilities`) or, with isSpec
// false, from an exec's process file (`capabilities`).
func strip(configFile, id string, isSpec bool) error {
	raw, err := os.ReadFile(configFile)
	if err != nil {
		return err
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", configFile, err)
	}
	process := spec
	if isSpec {
		process, _ = spec["process"].(map[string]any)
	}
	caps, _ := process["capabilities"].(map[string]any)
	removed := false
	for set, v := range caps {
		list, _ := v.([]any)
		kept := make([]any, 0, len(list))
		for _, c := range list {
			if c == dropped {
				removed = true
				continue
			}
			kept = append(kept, c)
		}
		caps[set] = kept
	}
	if !removed {
		return nil
	}
	out, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	if err := os.WriteFile(configFile, out, 0o600); err != nil {
		return err
	}
	if log := os.Getenv("RUNC_WRAPPER_LOG"); log != "" && isSpec {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			defer f.Close()
			_, _ = fmt.Fprintf(f, "%s %s\n", id, dropped)
		}
	}
	return nil
}
