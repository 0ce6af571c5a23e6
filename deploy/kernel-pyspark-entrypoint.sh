#!/bin/sh
# Entrypoint of the PySpark kernel image. Spark on Kubernetes creates executor pods from this
# image with `args: [executor]` and describes the executor in SPARK_* variables; this turns
# them into the JVM command of Spark's Kubernetes executor backend. Anything else is run as given.
set -eu

if [ "${1:-}" != executor ]; then
  exec "$@"
fi

# The driver's JVM options come one per variable, SPARK_JAVA_OPT_<n>, in the order of <n>.
set --
for var in $(env | sed -n 's/^\(SPARK_JAVA_OPT_[0-9][0-9]*\)=.*/\1/p' | sort -t_ -k4 -n); do
  eval "set -- \"\$@\" \"\$$var\""
done

classpath="$SPARK_HOME/jars/*"
[ -n "${SPARK_EXTRA_CLASSPATH:-}" ] && classpath="$classpath:$SPARK_EXTRA_CLASSPATH"
[ -n "${SPARK_CLASSPATH:-}" ] && classpath="$SPARK_CLASSPATH:$classpath"
[ -n "${SPARK_CONF_DIR:-}" ] && classpath="$SPARK_CONF_DIR:$classpath"

exec java "$@" \
  -Xms"$SPARK_EXECUTOR_MEMORY" -Xmx"$SPARK_EXECUTOR_MEMORY" \
  -cp "$classpath" \
  org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend \
  --driver-url "$SPARK_DRIVER_URL" \
  --executor-id "$SPARK_EXECUTOR_ID" \
  --cores "$SPARK_EXECUTOR_CORES" \
  --app-id "$SPARK_APPLICATION_ID" \
  --hostname "$SPARK_EXECUTOR_POD_IP" \
  --resourceProfileId "${SPARK_RESOURCE_PROFILE_ID:-0}" \
  --podName "$SPARK_EXECUTOR_POD_NAME"
