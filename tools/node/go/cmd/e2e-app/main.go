// Command e2e-app is Mini-Atlas's own small test application for the e2e suite (npm run test:e2e). It stands
// in for podinfo, which no reachable registry or module proxy serves, in an e2e-only workspace.
//
//	e2e-app                 serves HTTP on $PORT (default 8080): /healthz and /readyz answer 200 "ok",
//	                        / answers 200 with the pod's host name
//	e2e-app get URL         GETs URL once (5 s timeout), prints "<status> <body>", exits 0 only on 200
//	e2e-app dial HOST:PORT  opens a TCP connection (3 s timeout), prints "connected" or the error, exits 0
//	                        only when it connected
//	e2e-app lookup NAME     resolves NAME (the pod's resolv.conf), prints the sorted addresses or the error,
//	                        exits 0 only when it resolved
//	e2e-app write FILE TEXT writes TEXT to FILE, prints "wrote <n> bytes to FILE", exits 0 only when it wrote
//	e2e-app exit CODE       exits with CODE at once (an image whose process cannot start serving)
//	e2e-app env NAME...     prints "NAME=<value>" for each NAME ("NAME unset" when absent), exits 0 only when all
//	                        are set
//	e2e-app env-wait NAME... prints the same, then waits until it is stopped (a worker that never exits)
//	e2e-app serve NAME...   prints the same, then serves HTTP as with no arguments (an app that shows its env)
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		serve()
		return
	}
	switch {
	case args[0] == "get" && len(args) == 2:
		os.Exit(get(args[1]))
	case args[0] == "dial" && len(args) == 2:
		os.Exit(dial(args[1]))
	case args[0] == "lookup" && len(args) == 2:
		os.Exit(lookup(args[1]))
	case args[0] == "write" && len(args) == 3:
		if err := os.WriteFile(args[1], []byte(args[2]), 0o644); err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("wrote %d bytes to %s\n", len(args[2]), args[1])
	case args[0] == "serve" && len(args) >= 2:
		printEnv(args[1:])
		serve()
	case (args[0] == "env" || args[0] == "env-wait") && len(args) >= 2:
		code := printEnv(args[1:])
		if args[0] == "env" {
			os.Exit(code)
		}
		// PID 1 of a container gets no default action for SIGTERM: wait for it explicitly, then exit.
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
	case args[0] == "exit" && len(args) == 2:
		code, err := strconv.Atoi(args[1])
		if err != nil {
			code = 2
		}
		fmt.Fprintf(os.Stderr, "e2e-app: exiting with %d as asked\n", code)
		os.Exit(code)
	default:
		fmt.Fprintln(os.Stderr, "usage: e2e-app [get URL | dial HOST:PORT | lookup NAME | write FILE TEXT | exit CODE | env NAME... | env-wait NAME... | serve NAME...]")
		os.Exit(2)
	}
}

func serve() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	host, _ := os.Hostname()
	ok := func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", ok)
	mux.HandleFunc("/readyz", ok)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, host)
	})
	fmt.Printf("e2e-app listening on :%s\n", port)
	srv := &http.Server{Addr: ":" + port, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func get(url string) int {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Printf("error %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Printf("%d %s\n", resp.StatusCode, strings.TrimSpace(string(body)))
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

func dial(address string) int {
	conn, err := net.DialTimeout("tcp", address, 3*time.Second)
	if err != nil {
		fmt.Printf("error %v\n", err)
		return 1
	}
	_ = conn.Close()
	fmt.Println("connected")
	return 0
}

func lookup(name string) int {
	addrs, err := net.LookupHost(name)
	if err != nil {
		fmt.Printf("error %v\n", err)
		return 1
	}
	sort.Strings(addrs)
	fmt.Println(strings.Join(addrs, " "))
	return 0
}

func printEnv(names []string) int {
	code := 0
	for _, name := range names {
		value, ok := os.LookupEnv(name)
		if !ok {
			fmt.Printf("%s unset\n", name)
			code = 1
			continue
		}
		fmt.Printf("%s=%s\n", name, value)
	}
	return code
}
