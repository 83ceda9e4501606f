import { KubeConfig } from "@kubernetes/client-node";
import type { KubernetesSourceConfig } from "../config";

/**
 * The client configuration of one Kubernetes source, from the one way its entry gives (the loader
 * checked there is exactly one): the pod's service account, a kubeconfig file or text, or a URL with a
 * bearer token. Credentials stay in this object, in the server process.
 */
export function kubeConfigFor(source: KubernetesSourceConfig): KubeConfig {
  const kc = new KubeConfig();
  if (source.inCluster) kc.loadFromCluster();
  else if (source.kubeconfig) kc.loadFromFile(source.kubeconfig);
  else if (source.kubeconfigText !== undefined) kc.loadFromString(source.kubeconfigText);
  else if (source.url) {
    kc.loadFromOptions({
      // client-node refuses plain http unless told to skip TLS checks, of which there are none over http.
      clusters: [{ name: source.name, server: source.url, skipTLSVerify: source.url.startsWith("http://") }],
      users: [{ name: "ferry", token: source.token }],
      contexts: [{ name: source.name, cluster: source.name, user: "ferry" }],
      currentContext: source.name,
    });
  }
  if (source.context) kc.setCurrentContext(source.context);
  return kc;
}
