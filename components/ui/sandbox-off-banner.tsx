/**
 * Shown above every signed-in page when the gateway runs local kernels without their sandbox
 * (`LATTICE_LOCAL_SANDBOX=off`): then any kernel can read the platform's data and secrets and
 * other users' kernels, which is acceptable only where one person uses the platform.
 */
export function SandboxOffBanner() {
  return (
    <div role="alert" data-testid="sandbox-off-banner" className="border-b border-red-300 bg-red-600 px-4 py-2 text-center text-sm font-medium text-white">
      Kernels are not isolated: LATTICE_LOCAL_SANDBOX=off. Every kernel runs as the platform’s own user and can reach its data, secrets and other
      users’ kernels — use this only where a single person signs in.
    </div>
  );
}
