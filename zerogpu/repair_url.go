package zerogpu

import (
	"net/url"
	"strings"
)

// PublicHub is the Hub the Space builder downloads from.
const PublicHub = "https://huggingface.co"

// PublicURL rewrites a wheel URL found through a configured endpoint (a
// Hub at hubEndpoint, HF_ENDPOINT; GitHub's API at githubAPI,
// GITHUB_API_URL) to the public URL the Space builder fetches
// (https://huggingface.co/.../resolve/..., https://github.com/.../releases/download/...),
// as the catalog snapshot writes them. Other URLs are returned as they are.
func PublicURL(raw, hubEndpoint, githubAPI string) string {
	if rest, ok := underEndpoint(raw, hubEndpoint); ok && strings.Contains(rest, "/resolve/") {
		return PublicHub + rest
	}
	if githubAPI == "" {
		return raw
	}
	u, err := url.Parse(raw)
	api, err2 := url.Parse(githubAPI)
	if err != nil || err2 != nil || u.Host != api.Host || api.Host == "github.com" || api.Host == "api.github.com" {
		return raw
	}
	// A mirror of the API serves downloads under its own host:
	// .../OWNER/REPO/releases/download/TAG/FILE.
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	for i := len(parts) - 4; i >= 2; i-- {
		if parts[i] == "releases" && parts[i+1] == "download" {
			return "https://github.com/" + strings.Join(parts[i-2:], "/")
		}
	}
	return raw
}

// underEndpoint returns the path of raw below endpoint (with its leading
// slash), when raw is under it and the endpoint is not the public Hub.
func underEndpoint(raw, endpoint string) (string, bool) {
	endpoint = strings.TrimSuffix(endpoint, "/")
	if endpoint == "" || endpoint == PublicHub {
		return "", false
	}
	rest, ok := strings.CutPrefix(raw, endpoint)
	if !ok || !strings.HasPrefix(rest, "/") {
		return "", false
	}
	return rest, true
}
