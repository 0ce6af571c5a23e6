# syntax=docker/dockerfile:1
# PySpark kernel image (LATTICE_K8S_SPARK_IMAGE): the kernel pod is the Spark driver, and Spark
# starts its executor pods from the same image with only `args: [executor]`.
#   docker build -f deploy/kernel-pyspark.Dockerfile -t lattice/kernel-pyspark .
# Kernel pods: the provisioner's command (ipykernel + the Spark startup script) replaces the
# entrypoint. Executor pods: the entrypoint runs Spark's executor backend.

FROM python:3.11-slim-bookworm
# Java 17 for Spark 3.5; tini reaps the Python workers an executor leaves behind.
# (The man1 directory: the JRE's postinst links manpages into it, and slim images lack it.)
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless procps tini \
 && rm -rf /var/lib/apt/lists/*
# ipykernel at the default environment's pin (a constraint: the rest of that list stays out), the tested pyspark.
COPY python/kernel-requirements.txt /opt/kernel-requirements.txt
RUN pip install --no-cache-dir -c /opt/kernel-requirements.txt ipykernel 'pyspark==3.5.9'
# PyPI's pyspark is a whole Spark: its jars are where executors find them.
ENV SPARK_HOME=/usr/local/lib/python3.11/site-packages/pyspark
RUN test -f "$SPARK_HOME/jars/spark-kubernetes_2.12-3.5.9.jar"

COPY server/spark/lattice-spark-startup.py /opt/lattice/lattice-spark-startup.py
COPY --chmod=0755 deploy/kernel-pyspark-entrypoint.sh /usr/local/bin/lattice-pyspark-entrypoint
RUN useradd --uid 1000 --user-group --create-home --home-dir /home/lattice lattice
USER 1000
WORKDIR /home/lattice
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/lattice-pyspark-entrypoint"]
CMD ["python", "-m", "ipykernel_launcher", "-f", "/etc/lattice/connection.json", "--IPKernelApp.exec_lines=[\"__import__('sys').breakpointhook = __import__('sys').__breakpointhook__\"]", "--HistoryManager.connection_options={'check_same_thread': False, 'timeout': 60}", "--IPKernelApp.exec_files=[\"/opt/lattice/lattice-spark-startup.py\"]"]
