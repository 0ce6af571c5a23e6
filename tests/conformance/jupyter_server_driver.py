"""Stock Jupyter Python clients against Lattice, for tests/conformance/jupyter-server-gateway.test.ts.

notebook <jupyter_server url> <notebook.ipynb>
    nbclient runs the notebook on a kernel that `jupyter server --gateway-url=<lattice>`
    starts: nbclient -> GatewayKernelManager/GatewayKernelClient (REST + websocket to
    jupyter_server) -> jupyter_server's gateway client (REST + websocket to Lattice).
    Then interrupt, restart and shutdown go the same way. Prints a JSON report.

buffers <lattice url> <token> <kernel id>
    Binary buffers in both Lattice websocket framings, decoded and encoded with
    jupyter_server's own serializers (services/kernels/connection/base.py). Prints a JSON report.
"""

import asyncio
import json
import os
import sys
import time
import uuid
from datetime import datetime, timezone

import nbformat
import websocket
from jupyter_server.gateway.gateway_client import GatewayClient
from jupyter_server.gateway.managers import GatewayKernelManager
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)
from nbclient import NotebookClient


async def wait_reply(kc, msg_id, timeout=30):
    while True:
        msg = await kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


async def run_notebook(server_url, path):
    GatewayClient.instance(url=server_url, request_timeout=120.0, connect_timeout=60.0)
    nb = nbformat.read(path, as_version=4)
    km = GatewayKernelManager(kernel_name="python3")
    client = NotebookClient(nb, km=km, timeout=60, kernel_name="python3")
    report = {}
    async with client.async_setup_kernel():
        for index, cell in enumerate(nb.cells):
            await client.async_execute_cell(cell, index)
        report["kernel_id"] = km.kernel_id
        kc = client.kc

        msg_id = kc.execute("import time\ntime.sleep(30)")
        await asyncio.sleep(1.5)
        await km.interrupt_kernel()
        reply = await wait_reply(kc, msg_id)
        report["interrupt_ename"] = reply["content"].get("ename")

        await km.restart_kernel()
        await asyncio.sleep(0.5)
        msg_id = kc.execute("x")
        reply = await wait_reply(kc, msg_id)
        report["after_restart_ename"] = reply["content"].get("ename")
    # nbclient leaves a kernel manager it was handed to its owner: shut down as jupyter_server does.
    await km.shutdown_kernel()
    report["cells"] = [{"source": c.source, "outputs": c.get("outputs", [])} for c in nb.cells]
    return report


def header(msg_type, session):
    return {
        "msg_id": str(uuid.uuid4()),
        "msg_type": msg_type,
        "session": session,
        "username": "driver",
        "date": datetime.now(timezone.utc).isoformat(),
        "version": "5.3",
    }


ECHO_COMM = """
from ipykernel.comm import Comm
def _open(comm, msg):
    @comm.on_msg
    def _echo(m):
        comm.send({'echo': True}, buffers=m['buffers'])
get_ipython().kernel.comm_manager.register_target('echo', _open)
Comm(target_name='from-kernel', data={'hello': 1}, buffers=[b'\\x00\\x01\\xff', b'\\xfe' * 3])
"""


def buffers(lattice_url, token, kernel_id):
    report = {}
    ws_base = lattice_url.replace("http://", "ws://")
    for protocol in ("legacy", "v1"):
        session = str(uuid.uuid4())
        url = f"{ws_base}/api/kernels/{kernel_id}/channels?session_id={session}"
        subprotocols = ["v1.kernel.websocket.jupyter.org"] if protocol == "v1" else None
        ws = websocket.create_connection(url, header=[f"Authorization: token {token}"], subprotocols=subprotocols, timeout=30)

        def send(channel, msg_type, content, bufs=(), parent=None):
            msg = {"header": header(msg_type, session), "parent_header": parent or {}, "metadata": {}, "content": content, "channel": channel}
            if protocol == "v1":
                parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header", "metadata", "content")]
                ws.send_binary(serialize_msg_to_ws_v1(parts + list(bufs), channel))
            elif bufs:
                ws.send_binary(serialize_binary_message({**msg, "buffers": list(bufs)}))
            else:
                ws.send(json.dumps(msg))
            return msg["header"]["msg_id"]

        def receive():
            # Control frames come back too (None), so `until` checks its deadline even while
            # the gateway's pings keep the socket from timing out.
            opcode, frame = ws.recv_data(control_frame=True)
            if opcode not in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY):
                return None
            if opcode == websocket.ABNF.OPCODE_TEXT:
                frame = frame.decode("utf-8")
            if protocol == "v1":
                channel, parts = deserialize_msg_from_ws_v1(frame)
                msg = {k: json.loads(p) for k, p in zip(("header", "parent_header", "metadata", "content"), parts[:4])}
                return {**msg, "channel": channel, "buffers": parts[4:], "binary": True}
            if isinstance(frame, bytes):
                return {**deserialize_binary_message(frame), "binary": True}
            return {**json.loads(frame), "binary": False}

        # Messages received while waiting for another one, kept for the next wait: channels are
        # not ordered against each other, and under CPU load a request's execute_reply (shell)
        # often arrives before its iopub output, even before its `status: busy`. Dropping
        # them here was the "lost execute_reply" of issue 13: the reply had been relayed.
        backlog = []

        def until(what, match, timeout=90):
            for msg in backlog:
                if match(msg):
                    backlog.remove(msg)
                    return msg
            # Pings reset the socket timeout, so the overall wait needs its own deadline.
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                msg = receive()
                if msg is None:
                    continue
                if match(msg):
                    print(f"{protocol}: got {what}", file=sys.stderr, flush=True)
                    return msg
                backlog.append(msg)
            seen = [f"{m['channel']}:{m['header']['msg_type']}" for m in backlog]
            raise TimeoutError(f"{protocol}: no {what} within {timeout} s; got {seen}")

        run = send("shell", "execute_request", {"code": ECHO_COMM, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False})
        opened = until("comm_open", lambda m: m["header"]["msg_type"] == "comm_open" and m["parent_header"].get("msg_id") == run)
        until("execute_reply", lambda m: m["channel"] == "shell" and m["parent_header"].get("msg_id") == run)
        comm_id = str(uuid.uuid4())
        send("shell", "comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {}})
        sent = send("shell", "comm_msg", {"comm_id": comm_id, "data": {"ping": 1}}, bufs=[b"\x07\x00\x80", b"\xff" * 5])
        echoed = until("echoed comm_msg", lambda m: m["header"]["msg_type"] == "comm_msg" and m["parent_header"].get("msg_id") == sent)
        ws.close()
        report[protocol] = {
            "from_kernel": [bytes(b).hex() for b in opened["buffers"]],
            "from_kernel_binary_frame": opened["binary"],
            "echoed": [bytes(b).hex() for b in echoed["buffers"]],
        }
    return report


def main():
    mode = sys.argv[1]
    if mode == "notebook":
        report = asyncio.run(run_notebook(sys.argv[2], sys.argv[3]))
    elif mode == "buffers":
        report = buffers(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(report, default=str), flush=True)
    # GatewayKernelClient's websocket reader thread is not a daemon and can outlive
    # stop_channels(); the work is done, so do not wait for it.
    os._exit(0)


if __name__ == "__main__":
    main()
