#!/usr/bin/env python3
"""supervisord event listener for the peer benchmark.

Stamps every PROCESS_STATE event with CLOCK_MONOTONIC (time.monotonic_ns, the clock the bench child and the .NET harness
read) the moment its header arrives, and appends "<ns> <eventname> <payload>" to the file named by argv[1]. This is
supervisord's own event mechanism, the counterpart of our IObservable<GatewayEvent>.
"""
import sys
import time


def main():
    out = open(sys.argv[1], "a", buffering=1)
    stdin = sys.stdin.buffer
    while True:
        sys.stdout.write("READY\n")
        sys.stdout.flush()
        header = stdin.readline()
        stamp = time.monotonic_ns()
        if not header:
            return
        fields = dict(token.split(":", 1) for token in header.decode().split())
        payload = stdin.read(int(fields["len"])).decode()
        out.write(f"{stamp} {fields['eventname']} {payload.strip()}\n")
        sys.stdout.write("RESULT 2\nOK")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
