import type { V1Pod } from '@kubernetes/client-node';
import { CONTAINER_SECURITY_CONTEXT } from './pod-manifest';
import { SOFTWARE_CLAIM } from './project-volumes';
import { BUILD_FILES, softwareBuildPath } from './software-layout';
import { LABELS } from './names';

/** Where the build pod sees its scratch space (a subPath of the store: it cannot touch other builds or environments). */
export const BUILD_DIR = '/build';

export interface TBuildPodInput {
  namespace: string;
  podName: string;
  buildId: string;
  /** The kernel image the environment runs on: the layer must be built by its Python, for its wheel tags. */
  image: string;
  python: string;
  runAsUser: number;
  /** HTTPS proxy to the package index, or null. */
  proxy: string | null;
}

/**
 * The build, as a shell script the build pod runs with the image's own Python: pip (every
 * Python image has it; uv would have to be added to every admin's image) installs the list
 * into `site-packages` with `--target` and reports what it installed (the lock). When the image
 * holds pyspark (a Spark image), the layer may not bring another: pyspark is constrained to the
 * image's version, the one its executors run. Output goes to the store, where the gateway
 * follows it (a cluster need not serve pod logs to the gateway); the exit code is written last.
 */
export function buildScript(python: string): string {
  const f = (name: keyof typeof BUILD_FILES) => `${BUILD_DIR}/${BUILD_FILES[name]}`;
  const py = `'${python.replace(/'/g, `'\\''`)}'`;
  return [
    `exec >>${f('log')} 2>&1`,
    `cd ${BUILD_DIR}`,
    `${py} -c 'import platform; print(platform.python_version())' > ${f('pythonVersion')} || { echo 127 > ${f('exit')}; exit 1; }`,
    `echo "Python $(cat ${f('pythonVersion')}), $(${py} -m pip --version)"`,
    `spark=$(${py} -c 'import importlib.metadata as m; print(m.version("pyspark"))' 2>/dev/null || true)`,
    ': > constraints.txt',
    'if [ -n "$spark" ]; then',
    '  echo "pyspark==$spark" > constraints.txt',
    '  echo "This image runs Spark $spark: pyspark is pinned to $spark, the version of the cluster\'s Spark."',
    'fi',
    `${py} -m pip install --no-input --disable-pip-version-check --no-cache-dir --progress-bar off --target ${f('sitePackages')} -r ${f('requirements')} -c constraints.txt --report ${f('report')}`,
    'code=$?',
    `echo $code > ${f('exit')}`,
    'exit $code',
  ].join('\n');
}

/**
 * One build pod in the platform namespace: hardened as a kernel (non-root, read-only root,
 * no privileges), never restarted, its scratch space read-write and nothing else of the store.
 */
export function buildPodManifest(input: TBuildPodInput): V1Pod {
  const env = [
    // The root filesystem is read-only: pip's own files go to the emptyDir.
    { name: 'HOME', value: '/tmp' },
    { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
    ...(input.proxy ? [{ name: 'HTTPS_PROXY', value: input.proxy }, { name: 'HTTP_PROXY', value: input.proxy }] : []),
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: input.podName,
      namespace: input.namespace,
      labels: { [LABELS.name]: 'lattice-software-build', [LABELS.managedBy]: 'lattice', [LABELS.component]: 'software-build' },
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: input.runAsUser, runAsGroup: input.runAsUser },
      containers: [
        {
          name: 'build',
          image: input.image,
          command: ['/bin/sh', '-c', buildScript(input.python)],
          env,
          resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
          securityContext: { ...CONTAINER_SECURITY_CONTEXT },
          volumeMounts: [
            { name: 'build', mountPath: BUILD_DIR, subPath: softwareBuildPath(input.buildId) },
            { name: 'tmp', mountPath: '/tmp' },
          ],
        },
      ],
      volumes: [
        { name: 'build', persistentVolumeClaim: { claimName: SOFTWARE_CLAIM } },
        { name: 'tmp', emptyDir: {} },
      ],
    },
  };
}
