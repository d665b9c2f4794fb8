package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ecsfleet/ecsfleet/ecs"
	"github.com/ecsfleet/ecsfleet/ecs/sim"
	"github.com/ecsfleet/ecsfleet/plan"
)

// simStateFile is where the embedded simulator keeps its cloud, relative to
// the working directory, so plan → apply → plan sees one cloud.
var simStateFile = filepath.Join(stateDir, "sim-state.json")

// simTimeScale runs the embedded simulator's jobs 100 times faster than
// the documented durations: a 60 s create takes 0.6 s, so the quickstart
// finishes in about a second and its progress can be watched.
const simTimeScale = 100

// reachTimeout bounds the check that the endpoint answers at all, so an
// unreachable cloud fails in seconds instead of after the client's retries
// (six attempts, each up to 60 s on an address that drops packets).
const reachTimeout = 10 * time.Second

// cloudEnv is the help's section on where the cloud is and how to log in;
// every command that reads the cloud prints it.
const cloudEnv = `Cloud: each setting comes from its flag, else its environment variable,
else the config file (--config FILE, default ~/.config/ecsfleet/config.yaml):
YAML whose keys are the flag names, e.g. "project-id: 0a1b2c...". With no
endpoint anywhere, the cloud is the embedded simulator, its state kept in
.ecsfleet/sim-state.json.
  HCS_ECS_ENDPOINT    --endpoint URL       the ECS endpoint, https://ecs.REGION.DOMAIN
  HCS_AUTH_URL        --auth-url URL       the IAM endpoint (for a user name and password)
  HCS_VPC_ENDPOINT    --vpc-endpoint URL   the VPC endpoint (default: the ECS endpoint)
  HCS_EVS_ENDPOINT    --evs-endpoint URL   the EVS endpoint, for shared volumes (default: the ECS endpoint)
  HCS_PROJECT_ID      --project-id ID      the project (tenant) id, or:
  HCS_PROJECT_NAME    --project-name NAME  its name (with a user name and password only)
  HCS_REGION_NAME     --region NAME        the region (informational)
  HCS_DOMAIN_NAME     --domain-name NAME   the user's domain (account) name
  HCS_ACCESS_KEY      --access-key AK      log in with AK/SK: the access key
  HCS_SECRET_KEY      (no flag)              and the secret key;
  HCS_USER_NAME       --user-name NAME     or with IAM: the user name
  HCS_USER_PASSWORD   (no flag)              and the password (and the domain
                                             name and the IAM endpoint);
  HCS_AUTH_TOKEN      (no flag)            or with a pre-issued IAM token (and the
                                             project id); nothing refreshes it
  HCS_CACERT_FILE     --cacert-file FILE   PEM file of the CA of the endpoints' certificates
  HCS_INSECURE        --insecure           true or 1: skip TLS verification (test clouds only)
  ECSFLEET_CLOUD_TIME_SCALE                for a simulator running N times faster than
                                           real time ('ecsfleet sim serve' prints it)
Secrets (secret-key, user-password, auth-token) have no flag: a command line
is seen by other users in ps and kept in shell history. Give them in the
environment or the config file, and keep the file private (chmod 600;
ecsfleet warns when others can read it). If more than one way to log in is
given, the one given by the strongest source is used (flag, then
environment, then file; on a tie: token, AK/SK, password). TLS certificates
are verified unless --insecure is given.
`

// cloud is the API a command talks to: a configured HCS endpoint or the
// embedded simulator. Close releases it when the command ends.
type cloud struct {
	client *ecs.Client
	// endpoint and iamEndpoint are where the API is, for messages, and
	// endpointFrom and iamFrom where they were set ("HCS_AUTH_URL").
	endpoint, iamEndpoint string
	endpointFrom, iamFrom string
	// tokenFrom is where a pre-issued token was given, "" for none.
	tokenFrom string
	// simulated is true for the embedded simulator.
	simulated bool
	// timeScale is how much faster than real time the cloud runs (1 for
	// a real cloud): the engine's job waits are divided by it.
	timeScale float64
	close     func()
}

func (c *cloud) Close() {
	if c.close != nil {
		c.close()
	}
}

// cloudSetting is one setting of the cloud's configuration, found in a
// flag, an environment variable or the config file, in that order.
type cloudSetting struct {
	key    string // the flag's name and the config file's key
	env    string // the environment variable (the Terraform HCS provider's names)
	secret bool   // no flag: only the environment or the config file
	isBool bool
	usage  string
}

// cloudSettings are the cloud's settings, in the help's order.
var cloudSettings = []cloudSetting{
	{key: "endpoint", env: "HCS_ECS_ENDPOINT", usage: "the ECS endpoint `URL`"},
	{key: "auth-url", env: "HCS_AUTH_URL", usage: "the IAM endpoint `URL`"},
	{key: "vpc-endpoint", env: "HCS_VPC_ENDPOINT", usage: "the VPC endpoint `URL`"},
	{key: "evs-endpoint", env: "HCS_EVS_ENDPOINT", usage: "the EVS (storage) endpoint `URL`"},
	{key: "project-id", env: "HCS_PROJECT_ID", usage: "the project `ID`"},
	{key: "project-name", env: "HCS_PROJECT_NAME", usage: "the project's `NAME`"},
	{key: "region", env: "HCS_REGION_NAME", usage: "the region `NAME`"},
	{key: "domain-name", env: "HCS_DOMAIN_NAME", usage: "the user's domain `NAME`"},
	{key: "access-key", env: "HCS_ACCESS_KEY", usage: "the access key `AK`"},
	{key: "secret-key", env: "HCS_SECRET_KEY", secret: true},
	{key: "user-name", env: "HCS_USER_NAME", usage: "the IAM user `NAME`"},
	{key: "user-password", env: "HCS_USER_PASSWORD", secret: true},
	{key: "auth-token", env: "HCS_AUTH_TOKEN", secret: true},
	{key: "cacert-file", env: "HCS_CACERT_FILE", usage: "the CA's PEM `FILE`"},
	{key: "insecure", env: "HCS_INSECURE", isBool: true, usage: "skip TLS verification"},
}

func settingByKey(key string) (cloudSetting, bool) {
	for _, s := range cloudSettings {
		if s.key == key {
			return s, true
		}
	}
	return cloudSetting{}, false
}

// isCloudFlag reports whether f is one of cloudFlags' flags, which the
// help lists in its cloud section (cloudEnv) with their variables rather
// than among the command's own flags.
func isCloudFlag(f *flag.Flag) bool {
	switch f.Value.(type) {
	case *cloudFlag, *configFlag:
		return true
	}
	return false
}

// cloudFlags are the cloud's settings given on the command line: one flag
// per setting that is not a secret, and --config.
type cloudFlags struct {
	config string
	set    map[string]string // flag name → value, for the flags given
}

func (cf *cloudFlags) register(fs *flag.FlagSet) {
	cf.set = map[string]string{}
	fs.Var((*configFlag)(&cf.config), "config", "read the cloud's settings from `FILE` (default ~/.config/ecsfleet/config.yaml)")
	for _, s := range cloudSettings {
		if !s.secret {
			fs.Var(&cloudFlag{cf: cf, s: s}, s.key, s.usage+" (or "+s.env+")")
		}
	}
}

// configFlag is --config.
type configFlag string

func (c *configFlag) String() string {
	if c == nil {
		return ""
	}
	return string(*c)
}

func (c *configFlag) Set(v string) error {
	if v == "" {
		return errors.New("want a file name")
	}
	*c = configFlag(v)
	return nil
}

// cloudFlag is one of cloudFlags' flags: it records that it was given.
type cloudFlag struct {
	cf *cloudFlags
	s  cloudSetting
}

func (f *cloudFlag) String() string {
	if f == nil || f.cf == nil {
		return ""
	}
	return f.cf.set[f.s.key]
}

func (f *cloudFlag) Set(v string) error {
	if f.s.isBool {
		b, ok := parseBoolSetting(v)
		if !ok {
			return errors.New("want true or false")
		}
		v = b
	}
	f.cf.set[f.s.key] = v
	return nil
}

func (f *cloudFlag) IsBoolFlag() bool { return f.s.isBool }

// cloudValue is a setting's value and where it came from, as a message
// names it: "--project-id", "HCS_PROJECT_ID" or "project-id in FILE:LINE".
type cloudValue struct{ value, from string }

// cloudConfig is the cloud's configuration after flags, environment and
// the config file are merged, setting by setting.
type cloudConfig map[string]cloudValue

func (c cloudConfig) get(key string) string { return c[key].value }

// rank says how strong a setting's source is: 3 a flag, 2 the environment,
// 1 the config file, 0 not set.
func (c cloudConfig) rank(key string) int {
	v, ok := c[key]
	switch {
	case !ok:
		return 0
	case strings.HasPrefix(v.from, "--"):
		return 3
	case strings.HasPrefix(v.from, "HCS_"):
		return 2
	}
	return 1
}

// where says where a missing setting can be given.
func where(key string) string {
	s, _ := settingByKey(key)
	if s.secret {
		return fmt.Sprintf("%s or the config file's %s", s.env, s.key)
	}
	return fmt.Sprintf("--%s, %s or the config file's %s", s.key, s.env, s.key)
}

// resolve merges the flags given, the environment and the config file:
// for each setting the first of them that has it. An empty value sets
// nothing. It reads the config file (warnings on stderr).
func (cf cloudFlags) resolve(getenv func(string) string, stderr io.Writer) (cloudConfig, error) {
	path, explicit := cf.config, cf.config != ""
	if !explicit {
		path = defaultConfigPath(getenv)
	}
	var file map[string]cloudValue
	if path != "" {
		var err error
		if file, err = readCloudConfig(path, explicit, stderr); err != nil {
			return nil, err
		}
	}
	cc := cloudConfig{}
	for _, s := range cloudSettings {
		if v := cf.set[s.key]; v != "" && !s.secret {
			cc[s.key] = cloudValue{v, "--" + s.key}
		} else if v := getenv(s.env); v != "" {
			cc[s.key] = cloudValue{v, s.env}
		} else if v, ok := file[s.key]; ok {
			cc[s.key] = v
		}
	}
	return cc, nil
}

// authMethods are the ways to log in, in the order that breaks a tie, and
// the settings that choose each.
var authMethods = []struct {
	name string
	keys []string
}{
	{"a pre-issued token", []string{"auth-token"}},
	{"AK/SK", []string{"access-key", "secret-key"}},
	{"IAM password authentication", []string{"user-name", "user-password"}},
}

// choose picks among alternatives (ways to log in, project id or name)
// the one whose strongest setting has the strongest source (a flag beats
// the environment, the environment the config file), the first on a tie.
// It returns the index chosen, -1 for none, and where the settings of the
// others that are set come from.
func (c cloudConfig) choose(alts [][]string) (int, []string) {
	best, bestRank := -1, 0
	for i, keys := range alts {
		for _, k := range keys {
			if r := c.rank(k); r > bestRank {
				best, bestRank = i, r
			}
		}
	}
	var ignored []string
	for i, keys := range alts {
		for _, k := range keys {
			if i != best && c.rank(k) > 0 {
				ignored = append(ignored, c[k].from)
			}
		}
	}
	return best, ignored
}

// connect finds the cloud: the endpoint and its companions when one is
// set (a flag, the environment or the config file: cloudEnv), else the
// embedded simulator (saying so in one line on stderr). project is the
// fleet's project, the simulator's project name when set. Credentials are
// never part of a message.
// Each tune adjusts the client's configuration before it is built (the
// engine hooks its retry observer in).
func connect(ctx context.Context, cf cloudFlags, getenv func(string) string, project string, stderr io.Writer, tune ...func(*ecs.Config)) (*cloud, error) {
	cc, err := cf.resolve(getenv, stderr)
	if err != nil {
		return nil, err
	}
	endpoint := cc.get("endpoint")
	if endpoint == "" {
		if len(cc) > 0 {
			var set []string
			for _, s := range cloudSettings {
				if v, ok := cc[s.key]; ok {
					set = append(set, v.from)
				}
			}
			return nil, fmt.Errorf("no ECS endpoint is configured, yet %s %s: set the endpoint (%s) to use that cloud, or remove %s to use the embedded simulator",
				strings.Join(set, ", "), plural(len(set), "is set", "are set"), where("endpoint"), plural(len(set), "it", "them"))
		}
		return startSim(project, stderr, tune)
	}
	cfg := ecs.Config{
		Endpoint:    endpoint,
		IAMEndpoint: cc.get("auth-url"),
		VPCEndpoint: cc.get("vpc-endpoint"),
		EVSEndpoint: cc.get("evs-endpoint"),
		Region:      cc.get("region"),
		DomainName:  cc.get("domain-name"),
		CAFile:      cc.get("cacert-file"),
		UserAgent:   "ecsfleet/" + buildVersion(),
	}
	var notes, bad, projBad []string
	alts := make([][]string, len(authMethods))
	for i, m := range authMethods {
		alts[i] = m.keys
	}
	method, ignored := cc.choose(alts)
	if method >= 0 && len(ignored) > 0 {
		notes = append(notes, fmt.Sprintf("logging in with %s; ignoring %s", authMethods[method].name, strings.Join(ignored, ", ")))
	}
	tokenFrom := ""
	switch method {
	case 0:
		cfg.Token, tokenFrom = cc.get("auth-token"), cc["auth-token"].from
	case 1:
		cfg.AccessKey, cfg.SecretKey = cc.get("access-key"), cc.get("secret-key")
		if cfg.AccessKey == "" {
			bad = append(bad, "no access key for the secret key: set "+where("access-key"))
		}
		if cfg.SecretKey == "" {
			bad = append(bad, "no secret key for the access key: set "+where("secret-key"))
		}
	case 2:
		cfg.Username, cfg.Password = cc.get("user-name"), cc.get("user-password")
		for _, k := range []struct{ key, what string }{
			{"user-name", "user name"}, {"user-password", "password"}, {"domain-name", "domain name"}, {"auth-url", "IAM endpoint"},
		} {
			if cc.get(k.key) == "" {
				bad = append(bad, "no "+k.what+" for IAM password authentication: set "+where(k.key))
			}
		}
	default:
		bad = append(bad, "no credentials: set HCS_ACCESS_KEY and HCS_SECRET_KEY (AK/SK); or HCS_USER_NAME, HCS_USER_PASSWORD, HCS_DOMAIN_NAME and HCS_AUTH_URL (IAM password); or HCS_AUTH_TOKEN (a pre-issued token); or the same as flags or in the config file (-h lists them)")
	}
	proj, ignored := cc.choose([][]string{{"project-id"}, {"project-name"}})
	if proj >= 0 && len(ignored) > 0 {
		notes = append(notes, fmt.Sprintf("using %s; ignoring %s", cc[[]string{"project-id", "project-name"}[proj]].from, strings.Join(ignored, ", ")))
	}
	switch {
	case proj == 0:
		cfg.ProjectID = cc.get("project-id")
	case proj == 1 && (method == 0 || method == 1):
		projBad = append(projBad, fmt.Sprintf("a project name (%s) is turned into the project's id only with IAM password authentication; with %s set the project id: %s",
			cc["project-name"].from, authMethods[method].name, where("project-id")))
	case proj == 1:
		cfg.ProjectName = cc.get("project-name")
	default:
		projBad = append(projBad, "no project: set its id ("+where("project-id")+"), or its name with IAM password authentication")
	}
	bad = append(projBad, bad...)
	if v, ok := cc["insecure"]; ok {
		b, valid := parseBoolSetting(v.value)
		if !valid {
			bad = append(bad, v.from+" is neither true, 1, false nor 0")
		}
		cfg.InsecureSkipVerify = b == "true"
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("the ECS endpoint is set (%s), but the cloud configuration is not usable:\n  - %s", cc["endpoint"].from, strings.Join(bad, "\n  - "))
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "ecsfleet: %s\n", n)
	}
	for _, t := range tune {
		t(&cfg)
	}
	var client *ecs.Client
	if cfg.ProjectID != "" {
		// New calls nothing: a configuration it refuses is refused
		// before any endpoint is dialled.
		if client, err = ecs.New(cfg); err != nil {
			return nil, fmt.Errorf("cannot use the cloud configuration: %w", err)
		}
	}
	if err := reachable(ctx, "the ECS endpoint", endpoint, cc["endpoint"].from); err != nil {
		return nil, err
	}
	if method == 2 {
		if err := reachable(ctx, "the IAM endpoint", cfg.IAMEndpoint, cc["auth-url"].from); err != nil {
			return nil, err
		}
	}
	if client == nil {
		if client, err = ecs.Open(ctx, cfg); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("cannot find the project named by %s: %w", cc["project-name"].from, err)
		}
	}
	scale := 1.0
	if v := getenv("ECSFLEET_CLOUD_TIME_SCALE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 1 || f > 1e6 {
			return nil, fmt.Errorf("ECSFLEET_CLOUD_TIME_SCALE=%q is not a number from 1 to 1000000", v)
		}
		scale = f
	}
	return &cloud{client: client, endpoint: endpoint, iamEndpoint: cfg.IAMEndpoint, timeScale: scale,
		endpointFrom: cc["endpoint"].from, iamFrom: cc["auth-url"].from, tokenFrom: tokenFrom}, nil
}

// startSim starts the embedded simulator on a free loopback port, its
// state in .ecsfleet/sim-state.json of the working directory.
func startSim(project string, stderr io.Writer, tune []func(*ecs.Config)) (*cloud, error) {
	if err := os.MkdirAll(filepath.Dir(simStateFile), 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the embedded simulator's directory: %w", err)
	}
	cfg := sim.DefaultConfig()
	cfg.StateFile = simStateFile
	cfg.TimeScale = simTimeScale
	if project != "" {
		cfg.Projects[0].Name = project
	}
	hs, err := sim.StartAddr("127.0.0.1:0", cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot start the embedded simulator (state in %s): %w", simStateFile, err)
	}
	ccfg := ecs.Config{
		Endpoint: hs.URL, ProjectID: hs.ProjectID, Region: hs.Region,
		AccessKey: hs.AK, SecretKey: hs.SK, UserAgent: "ecsfleet/" + buildVersion(),
	}
	for _, t := range tune {
		t(&ccfg)
	}
	client, err := ecs.New(ccfg)
	if err != nil {
		hs.Close()
		return nil, fmt.Errorf("cannot connect to the embedded simulator: %w", err)
	}
	fmt.Fprintf(stderr, "ecsfleet: no cloud configured (HCS_ECS_ENDPOINT unset); using the embedded simulator, state in %s\n", simStateFile)
	return &cloud{client: client, endpoint: hs.URL, simulated: true, timeScale: simTimeScale, close: func() { _ = hs.Close() }}, nil
}

// reachable checks that endpoint accepts a TCP connection, unless a proxy
// carries the requests (then only the proxy could tell).
func reachable(ctx context.Context, what, endpoint, envVar string) error {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return nil // ecs.New has judged the URL already
	}
	if proxy, err := http.ProxyFromEnvironment(&http.Request{URL: u}); err != nil || proxy != nil {
		return nil
	}
	host := u.Host
	if u.Port() == "" {
		port := "443"
		if u.Scheme == "http" {
			port = "80"
		}
		host = net.JoinHostPort(u.Hostname(), port)
	}
	d := net.Dialer{Timeout: reachTimeout}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("cannot reach %s %s (%s); check %s and the network", what, endpoint, dialReason(err), envVar)
	}
	conn.Close()
	return nil
}

// dialReason is the part of a dial error a person needs ("connection
// refused", "i/o timeout", "no such host").
func dialReason(err error) string {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "no such host " + dnsErr.Name
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		var sys *os.SyscallError
		if errors.As(op.Err, &sys) {
			return sys.Err.Error()
		}
		return op.Err.Error()
	}
	return err.Error()
}

// explain turns an error met while reading the cloud into one message: a
// network failure names the endpoint and what to check; anything else
// (an API error, a refused credential) is the error's own message.
func (c *cloud) explain(err error) string {
	var rejected *ecs.TokenRejectedError
	if errors.As(err, &rejected) && c.tokenFrom != "" {
		return fmt.Sprintf("%v, and give it in %s", err, c.tokenFrom)
	}
	var ne *ecs.NetError
	if !errors.As(err, &ne) {
		return err.Error()
	}
	what := "cannot reach the cloud"
	var re *plan.ReadError
	if errors.As(err, &re) {
		what = "cannot read " + re.What
	}
	if c.simulated {
		return fmt.Sprintf("%s: the embedded simulator at %s did not answer (%s)", what, c.endpoint, dialReason(ne.Err))
	}
	endpoint, env := c.endpoint, cmp.Or(c.endpointFrom, "HCS_ECS_ENDPOINT")
	if strings.HasSuffix(ne.Path, "/v3/auth/tokens") {
		endpoint, env = c.iamEndpoint, cmp.Or(c.iamFrom, "HCS_AUTH_URL")
	}
	return fmt.Sprintf("%s: %s did not answer (%s); check %s and the network", what, endpoint, dialReason(ne.Err), env)
}
