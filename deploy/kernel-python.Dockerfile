# syntax=docker/dockerfile:1
# Python kernel image for the `kubernetes` provisioner (LATTICE_K8S_KERNEL_IMAGE).
#   docker build -f deploy/kernel-python.Dockerfile -t lattice/kernel-python .
# The provisioner mounts the kernel's connection file (a Secret) at /etc/lattice and runs
# `python -m ipykernel_launcher -f /etc/lattice/connection.json` (LATTICE_K8S_KERNEL_PYTHON =
# `python`) as uid 1000; the CMD is the same command, for `docker run` and args-only pods.

FROM python:3.11-slim-bookworm
# The default environment: the pinned list `npm start` installs (ipykernel 6.x, the data-science stack).
COPY python/kernel-requirements.txt /opt/kernel-requirements.txt
RUN pip install --no-cache-dir -r /opt/kernel-requirements.txt
RUN useradd --uid 1000 --user-group --create-home --home-dir /home/lattice lattice
USER 1000
WORKDIR /home/lattice
CMD ["python", "-m", "ipykernel_launcher", "-f", "/etc/lattice/connection.json", "--IPKernelApp.exec_lines=[\"__import__('sys').breakpointhook = __import__('sys').__breakpointhook__\"]", "--HistoryManager.connection_options={'check_same_thread': False, 'timeout': 60}"]
