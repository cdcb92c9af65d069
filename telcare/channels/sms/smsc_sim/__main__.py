"""``python -m telcare.channels.sms.smsc_sim``: run the simulator in the foreground (a demo)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys

from telcare.channels.sms import smsc_sim
from telcare.channels.sms.smsc_sim.records import SubmittedSm
from telcare.channels.sms.smsc_sim.simulator import SmscSimulator


def main(argv: list[str] | None = None) -> None:
    """Run the simulator in the foreground; stdin lines ``FROM TO TEXT`` inject MO messages."""
    parser = argparse.ArgumentParser(description=(smsc_sim.__doc__ or "").splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2775)
    parser.add_argument("--system-id", default="telcare")
    parser.add_argument("--password", default="secret")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    def show(sm: SubmittedSm) -> None:
        print(f"MT {sm.source_addr} -> {sm.destination_addr}: {sm.text}", flush=True)

    with SmscSimulator(args.host, args.port, args.system_id, args.password, on_submit=show) as sim:
        print(f"SMSC simulator on {sim.host}:{sim.port}; type: FROM TO TEXT", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            for line in sys.stdin:
                parts = line.strip().split(maxsplit=2)
                if len(parts) < 3:
                    print("usage: FROM TO TEXT", flush=True)
                    continue
                try:
                    sim.deliver(*parts)
                except ValueError:
                    sim.deliver_multipart(*parts)


if __name__ == "__main__":
    main()
