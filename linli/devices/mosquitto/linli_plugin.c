/*
 * Linli's Mosquitto plugin (plugin API v5, Mosquitto 2.0): devices speak the
 * ThingsBoard device API, all on the same topics, authenticated by their access
 * token as user name. This plugin
 *
 *   - authenticates a device when SHA-256(user name) is in the credentials file
 *     Linli writes (lines "<sha256 hex> <device key>"; it holds digests, never
 *     tokens), and an ingestion worker when SHA-256(password) is on a line
 *     "<sha256 hex> @<user name>"; it refuses everyone else;
 *   - lets a device publish only to the ThingsBoard device and gateway topics
 *     (and subscribe to its own attribute and RPC topics, so that firmware which
 *     subscribes at start-up connects unchanged); only workers read the
 *     internal topics linli/#;
 *   - rewrites a device's publish on v1/devices/me/<x> to linli/<device key>/<x>
 *     and on v1/gateway/<x> to linli/<device key>/gateway/<x>, so that the
 *     workers, subscribed to $share/linli/linli/#, know who sent it.
 *
 * Until an ingestion worker has subscribed since the broker started, devices'
 * QoS 1 publishes are held back (see `workers_subscribed`).
 *
 * The file is re-read when its modification time, size or inode changes (looked
 * at once a second, and at once when an unknown token connects); a device whose digest has left it (token rotated,
 * device retired) may no longer publish: each publish is checked.
 *
 * Options (mosquitto.conf):
 *   plugin /path/to/linli_plugin.so
 *   plugin_opt_credentials_file /path/to/credentials
 *
 * Build: linli devices broker-plugin (docs/deploy.md gives the gcc line).
 * Decision record: docs/adr/0017-device-broker.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#define DIGEST_LEN 32
#define NAME_MAX_LEN 64

struct entry {
	unsigned char digest[DIGEST_LEN];
	bool service;              /* an ingestion worker ("@name"), else a device */
	char name[NAME_MAX_LEN];   /* the device key, or the worker's user name */
};

static mosquitto_plugin_id_t *plugin_id;
static char *credentials_path;
static struct entry *entries;
static size_t entry_count;
static char (*workers)[NAME_MAX_LEN];  /* the workers' user names, apart: few */
static size_t worker_count;
static struct stat loaded;   /* st_mtim, st_size, st_ino of the file loaded */
static struct timespec last_check;
/* Mosquitto 2.0.11 does not restore shared subscriptions from its persistence
 * file: after a restart, a message published before a worker subscribes again
 * would reach no one. Until then, a device's QoS 1/2 publish is refused by
 * closing its connection unacknowledged: it sends it again when it reconnects. */
static bool workers_subscribed;

static const char *DEVICE_WRITE[] = {
	"v1/devices/me/telemetry",
	"v1/devices/me/attributes",
	"v1/gateway/telemetry",
	"v1/gateway/attributes",
	"v1/gateway/connect",
	"v1/gateway/disconnect",
	NULL,
};
static const char *DEVICE_SUBSCRIBE[] = {
	"v1/devices/me/attributes",
	"v1/devices/me/attributes/response/+",
	"v1/devices/me/rpc/request/+",
	NULL,
};

static int compare(const void *a, const void *b)
{
	return memcmp(((const struct entry *)a)->digest, ((const struct entry *)b)->digest, DIGEST_LEN);
}

static int hexval(char c)
{
	if(c >= '0' && c <= '9') return c - '0';
	if(c >= 'a' && c <= 'f') return c - 'a' + 10;
	if(c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Reads the file into a new sorted table; the old one stays if it cannot be read. */
static void load(const struct stat *st)
{
	FILE *f = fopen(credentials_path, "r");
	if(!f){
		mosquitto_log_printf(MOSQ_LOG_ERR, "linli: cannot read %s: %s", credentials_path, strerror(errno));
		return;
	}
	size_t cap = 1024, n = 0, bad = 0;
	struct entry *table = mosquitto_malloc(cap * sizeof(struct entry));
	char line[256];
	while(table && fgets(line, sizeof(line), f)){
		size_t len = strcspn(line, "\r\n");
		line[len] = '\0';
		if(len == 0 || line[0] == '#') continue;
		if(len < DIGEST_LEN * 2 + 2 || line[DIGEST_LEN * 2] != ' '){
			bad++;
			continue;
		}
		if(n == cap){
			cap *= 2;
			struct entry *bigger = mosquitto_realloc(table, cap * sizeof(struct entry));
			if(!bigger){
				mosquitto_free(table);
				table = NULL;
				break;
			}
			table = bigger;
		}
		struct entry *e = &table[n];
		bool ok = true;
		for(int i = 0; i < DIGEST_LEN; i++){
			int hi = hexval(line[2 * i]), lo = hexval(line[2 * i + 1]);
			if(hi < 0 || lo < 0){
				ok = false;
				break;
			}
			e->digest[i] = (unsigned char)(hi << 4 | lo);
		}
		const char *name = line + DIGEST_LEN * 2 + 1;
		e->service = name[0] == '@';
		if(e->service) name++;
		if(!ok || name[0] == '\0' || strlen(name) >= NAME_MAX_LEN || strpbrk(name, "/+# ")){
			bad++;
			continue;
		}
		strcpy(e->name, name);
		n++;
	}
	fclose(f);
	if(!table){
		mosquitto_log_printf(MOSQ_LOG_ERR, "linli: out of memory reading %s", credentials_path);
		return;
	}
	size_t w = 0;
	for(size_t i = 0; i < n; i++){
		if(table[i].service) w++;
	}
	char (*names)[NAME_MAX_LEN] = mosquitto_malloc((w ? w : 1) * NAME_MAX_LEN);
	if(!names){
		mosquitto_free(table);
		mosquitto_log_printf(MOSQ_LOG_ERR, "linli: out of memory reading %s", credentials_path);
		return;
	}
	w = 0;
	for(size_t i = 0; i < n; i++){
		if(table[i].service) strcpy(names[w++], table[i].name);
	}
	qsort(table, n, sizeof(struct entry), compare);
	mosquitto_free(entries);
	mosquitto_free(workers);
	entries = table;
	entry_count = n;
	workers = names;
	worker_count = w;
	loaded = *st;
	mosquitto_log_printf(MOSQ_LOG_INFO, "linli: %zu credentials loaded from %s%s", n, credentials_path,
			bad ? " (malformed lines skipped)" : "");
}

/* Re-reads the file if it changed; looks at most once a second unless `now`. */
static void reload_if_changed(bool now_)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if(!now_ && entries && now.tv_sec == last_check.tv_sec) return;
	last_check = now;
	struct stat st;
	if(stat(credentials_path, &st) != 0){
		mosquitto_log_printf(MOSQ_LOG_ERR, "linli: cannot stat %s: %s", credentials_path, strerror(errno));
		return;
	}
	if(!entries || st.st_mtim.tv_sec != loaded.st_mtim.tv_sec || st.st_mtim.tv_nsec != loaded.st_mtim.tv_nsec
			|| st.st_size != loaded.st_size || st.st_ino != loaded.st_ino){
		load(&st);
	}
}

static const struct entry *lookup(const char *secret)
{
	struct entry key;
	unsigned int len = 0;
	if(!secret || !EVP_Digest(secret, strlen(secret), key.digest, &len, EVP_sha256(), NULL)) return NULL;
	return bsearch(&key, entries, entry_count, sizeof(struct entry), compare);
}

/* The device a client is, or NULL (a worker, or a device no longer in the file). */
static const struct entry *device_of(struct mosquitto *client)
{
	const struct entry *e = lookup(mosquitto_client_username(client));
	return e && !e->service ? e : NULL;
}

static bool is_worker(struct mosquitto *client)
{
	const char *username = mosquitto_client_username(client);
	if(!username) return false;
	/* The broker's API gives no password here: a worker is a client that connected
	 * with a worker's password, so its user name is one of theirs. */
	for(size_t i = 0; i < worker_count; i++){
		if(!strcmp(workers[i], username)) return true;
	}
	return false;
}

static bool listed(const char *topic, const char **list)
{
	for(int i = 0; list[i]; i++){
		if(!strcmp(topic, list[i])) return true;
	}
	return false;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_basic_auth *ed = event_data;
	reload_if_changed(false);
	if(!ed->username) return MOSQ_ERR_AUTH;
	const struct entry *e = lookup(ed->username);
	if(!e){
		/* A device provisioned a moment ago: look at the file now. */
		reload_if_changed(true);
		e = lookup(ed->username);
	}
	if(e && !e->service) return MOSQ_ERR_SUCCESS;
	if(ed->password){
		e = lookup(ed->password);
		if(e && e->service && !strcmp(e->name, ed->username)) return MOSQ_ERR_SUCCESS;
	}
	return MOSQ_ERR_AUTH;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_acl_check *ed = event_data;
	reload_if_changed(false);
	if(ed->access == MOSQ_ACL_UNSUBSCRIBE) return MOSQ_ERR_SUCCESS;
	if(device_of(ed->client)){
		switch(ed->access){
			case MOSQ_ACL_WRITE:
				return listed(ed->topic, DEVICE_WRITE) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
			case MOSQ_ACL_SUBSCRIBE:
				return listed(ed->topic, DEVICE_SUBSCRIBE) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
			case MOSQ_ACL_READ:
				return (!strcmp(ed->topic, "v1/devices/me/attributes")
						|| starts_with(ed->topic, "v1/devices/me/attributes/response/")
						|| starts_with(ed->topic, "v1/devices/me/rpc/request/"))
					? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
			default:
				return MOSQ_ERR_ACL_DENIED;
		}
	}
	if(is_worker(ed->client)){
		const char *topic = ed->topic;
		if(ed->access == MOSQ_ACL_SUBSCRIBE && starts_with(topic, "$share/")){
			topic = strchr(topic + 7, '/');  /* past "$share/<group>" */
			if(!topic) return MOSQ_ERR_ACL_DENIED;
			topic++;
		}
		if(ed->access == MOSQ_ACL_SUBSCRIBE || ed->access == MOSQ_ACL_READ){
			if(!starts_with(topic, "linli/")) return MOSQ_ERR_ACL_DENIED;
			if(ed->access == MOSQ_ACL_SUBSCRIBE) workers_subscribed = true;
			return MOSQ_ERR_SUCCESS;
		}
		return MOSQ_ERR_ACL_DENIED;
	}
	/* A device whose token was rotated or retired since it connected. */
	return MOSQ_ERR_ACL_DENIED;
}

static int on_message(int event, void *event_data, void *userdata)
{
	(void)event;
	(void)userdata;
	struct mosquitto_evt_message *ed = event_data;
	const struct entry *device = device_of(ed->client);
	if(!device) return MOSQ_ERR_ACL_DENIED;  /* the ACL check lets only devices publish */
	if(!workers_subscribed && ed->qos > 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE,
				"linli: no ingestion worker has subscribed since the start: %s will send again", device->name);
		return MOSQ_ERR_ADMINISTRATIVE_ACTION;
	}
	const char *rest;
	const char *middle;
	if(starts_with(ed->topic, "v1/devices/me/")){
		rest = ed->topic + strlen("v1/devices/me/");
		middle = "/";
	}else if(starts_with(ed->topic, "v1/gateway/")){
		rest = ed->topic + strlen("v1/gateway/");
		middle = "/gateway/";
	}else{
		return MOSQ_ERR_ACL_DENIED;
	}
	size_t len = strlen("linli/") + strlen(device->name) + strlen(middle) + strlen(rest) + 1;
	char *topic = mosquitto_malloc(len);
	if(!topic) return MOSQ_ERR_NOMEM;
	snprintf(topic, len, "linli/%s%s%s", device->name, middle, rest);
	mosquitto_free(ed->topic);
	ed->topic = topic;
	/* A retained copy would be delivered again to every worker that subscribes. */
	ed->retain = false;
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	for(int i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5) return 5;
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **userdata, struct mosquitto_opt *opts, int opt_count)
{
	(void)userdata;
	plugin_id = identifier;
	for(int i = 0; i < opt_count; i++){
		if(!strcmp(opts[i].key, "credentials_file")){
			credentials_path = mosquitto_strdup(opts[i].value);
		}
	}
	if(!credentials_path){
		mosquitto_log_printf(MOSQ_LOG_ERR, "linli: plugin_opt_credentials_file is required");
		return MOSQ_ERR_INVAL;
	}
	reload_if_changed(true);
	int rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL);
	if(!rc) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
	if(!rc) rc = mosquitto_callback_register(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL, NULL);
	return rc;
}

int mosquitto_plugin_cleanup(void *userdata, struct mosquitto_opt *opts, int opt_count)
{
	(void)userdata;
	(void)opts;
	(void)opt_count;
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL);
	mosquitto_free(entries);
	mosquitto_free(workers);
	mosquitto_free(credentials_path);
	entries = NULL;
	workers = NULL;
	credentials_path = NULL;
	return MOSQ_ERR_SUCCESS;
}
