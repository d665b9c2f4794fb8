package sim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sim is one simulated HCS ECS cloud. It is safe for concurrent use: every
// API request runs under one lock (a mutex, plus an flock when a state file
// is shared between processes), which keeps handlers simple and the state
// consistent; the simulator is a test substrate, not a throughput record.
type Sim struct {
	cfg   Config
	clock Clock
	mux   *http.ServeMux
	bare  *http.ServeMux // routes without {tenant_id} (tenantless.go)

	mu    sync.Mutex // guards state and store
	state *State
	store *fileStore // nil in memory mode

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter

	faultMu     sync.Mutex
	faultCounts map[string]uint64 // per endpoint class, in-process (API faults)

	stats statsTable

	bodies *bodyMemory // the budget of body bytes being read (readBody)
}

// New builds a simulator from cfg (zero values of optional fields take their
// defaults). With cfg.StateFile set, the state is loaded from (or created
// in) that file.
func New(cfg Config) (*Sim, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Sim{cfg: cfg, clock: cfg.Clock, limiters: map[string]*rate.Limiter{}, faultCounts: map[string]uint64{},
		bodies: newBodyMemory()}
	if s.clock == nil {
		s.clock = realClock{}
	}
	s.stats.init()
	if cfg.StateFile != "" {
		fs, err := openFileStore(cfg.StateFile)
		if err != nil {
			return nil, err
		}
		s.store = fs
		// Under the lock no save is running, so every temp file is stale.
		if err := s.withLock(func() error { fs.removeStaleTemps(); return nil }); err != nil {
			return nil, err
		}
	} else {
		s.state = s.freshState()
	}
	s.mux, s.bare = http.NewServeMux(), http.NewServeMux()
	s.registerRoutes(s.mux, s.bare)
	return s, nil
}

// Config returns the simulator's configuration (after defaults).
func (s *Sim) Config() Config { return s.cfg }

// Handler returns the HTTP handler serving the API and the /_sim admin prefix.
func (s *Sim) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// maxHeaderBytes bounds a request's line and headers (docs/simulator.md);
// a larger request is answered 431 in the gateway's shape. The listening
// server's own limit (httpserver.go) is far above it, so its plain-text
// 431 is only for requests beyond 1 MiB of headers.
const maxHeaderBytes = 64 << 10

// serveHTTP gives the answers Go's HTTP layer would otherwise give in
// plain text or HTML (a redirect for a non-canonical path, 405 for a
// wrong method) in the gateway's documented shape, then dispatches.
func (s *Sim) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// The Date of every answer is the simulator's clock, the one AK/SK
	// signatures are checked against, so a client can tell how far its
	// own clock is off (ecs.ClockSkewError).
	w.Header().Set("Date", s.clock.Now().UTC().Format(http.TimeFormat))
	var e *APIError
	switch {
	case headerSize(r) > maxHeaderBytes:
		e = Errf(http.StatusRequestHeaderFieldsTooLarge, CodeInvalidParam, "the request line and headers are larger than 64 KiB")
	case r.URL.Path != canonicalPath(r.URL.Path):
		// ServeMux would redirect to the cleaned path; an API gateway
		// routes the path it is given, and no API path has "." or ".."
		// segments or empty ones.
		e = Errf(http.StatusNotFound, CodeNotFound, "no API at "+r.Method+" "+r.URL.Path+" (the path has empty, \".\" or \"..\" segments)")
	default:
		if allow := s.otherMethods(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			e = Errf(http.StatusMethodNotAllowed, CodeMethod, "the API at "+r.URL.Path+" does not take "+r.Method+"; it takes "+strings.Join(allow, ", "))
		}
	}
	if e == nil {
		s.dispatch(w, r)
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	writeError(rec, StyleGateway, e)
	s.stats.record("unmatched", rec.status(), 0)
}

// headerSize is about what the request line and headers took on the wire.
func headerSize(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + len(r.Host) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// canonicalPath is p without empty, "." and ".." segments (a trailing
// slash kept), as ServeMux cleans it.
func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// otherMethods lists the methods a route takes at r's path when none
// takes r's method (nil when one does, or when no route has the path).
func (s *Sim) otherMethods(r *http.Request) []string {
	routed := func(m string) bool {
		r2 := r.WithContext(r.Context())
		r2.Method = m
		if strings.HasPrefix(r.URL.Path, tenantlessPrefix) {
			if _, p := s.bare.Handler(r2); p != "" {
				return true
			}
		}
		_, p := s.mux.Handler(r2)
		return p != "" && p != "/"
	}
	if routed(r.Method) {
		return nil
	}
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m != r.Method && routed(m) {
			allow = append(allow, m)
		}
	}
	return allow
}

// freshState returns an empty cloud with one project per configured tenant.
func (s *Sim) freshState() *State {
	wall := s.clock.Now().UTC()
	st := &State{
		EpochWall: wall, EpochSim: wall,
		Projects: map[string]*ProjectState{}, Tokens: map[string]Token{}, Calls: map[string]uint64{},
	}
	s.ensureProjects(st)
	return st
}

// ensureProjects adds configured projects missing from st (a config may grow).
func (s *Sim) ensureProjects(st *State) {
	for _, pc := range s.cfg.Projects {
		if st.Projects[pc.ID] == nil {
			st.Projects[pc.ID] = newProjectState(pc.ID, s.cfg.Quotas, s.cfg.Capacity)
		}
		p := st.Projects[pc.ID]
		if p.Quotas.MetadataItems == 0 { // a state file from before the field
			p.Quotas.MetadataItems = s.cfg.Quotas.MetadataItems
		}
		for len(p.Slots) < s.cfg.Capacity {
			p.Slots = append(p.Slots, time.Time{})
		}
		if len(p.Slots) > s.cfg.Capacity {
			p.Slots = p.Slots[:s.cfg.Capacity]
		}
	}
}

// simNow converts the clock's wall time into simulated time.
func (s *Sim) simNow() time.Time {
	wall := s.clock.Now()
	el := wall.Sub(s.state.EpochWall)
	return s.state.EpochSim.Add(time.Duration(float64(el) * s.cfg.TimeScale)).UTC()
}

// withLock runs fn holding the state lock, with the state reloaded from the
// file when another process changed it, and saved afterwards if fn (or the
// job engine) changed it.
func (s *Sim) withLock(fn func() error) error {
	_, err := s.locked(func(time.Time) (bool, error) { return false, fn() })
	return err
}

// locked is withLock where fn gets the simulated "now" of the locked
// section and reports whether it mutated the state. With
// Config.RecordHistory, locked is also where server status changes made
// by fn (or by another process, found on reload) are recorded, at now;
// the changes the job engine makes are recorded by advance, each at the
// simulated time it happened (history.go).
func (s *Sim) locked(fn func(now time.Time) (bool, error)) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		unlock, err := s.store.lock()
		if err != nil {
			return false, err
		}
		defer unlock()
		st, changed, err := s.store.loadIfChanged()
		if err != nil {
			return false, err
		}
		if changed || s.state == nil {
			if st == nil {
				st = s.freshState()
				s.state = st
				if err := s.store.save(st); err != nil {
					return false, err
				}
			}
			s.state = st
			s.ensureProjects(st)
		}
	}
	now := s.simNow()
	began := s.cfg.RecordHistory && s.beginHistory()
	dirty, err := fn(now)
	if (s.cfg.RecordHistory && s.observeAll(now)) || began {
		dirty = true
	}
	if dirty && s.store != nil {
		if serr := s.store.save(s.state); serr != nil && err == nil {
			err = serr
		}
	}
	return dirty, err
}

// project returns the state of project id (nil if unknown).
func (s *Sim) project(id string) *ProjectState { return s.state.Projects[id] }

// projectConfig returns the configured tenant with id.
func (s *Sim) projectConfig(id string) *ProjectConfig {
	for i := range s.cfg.Projects {
		if s.cfg.Projects[i].ID == id {
			return &s.cfg.Projects[i]
		}
	}
	return nil
}

// Request bodies (docs/simulator.md, "Limits and timeouts"). 3.2 allows
// an AK/SK-signed body up to 12 MB and sends larger ones to token auth; no
// figure is given for tokens, so the simulator takes every body up to 12 MiB
// (an assumption: "12M" read as MiB) and refuses a larger one with 413.
// Memory is bounded by a budget instead of by a small limit: the bodies
// being read at once hold at most bodyBudget bytes (a body of unknown
// length counts as maxBody), so hostile clients cannot make the heap grow
// with their number.
const (
	maxBody    = 12 << 20
	bodyBudget = 24 << 20
	bodyUnit   = 1 << 20
)

// bodyMemory is the budget of body bytes being read, in units of bodyUnit.
// Acquirers take their units one at a time under mu, so two large bodies
// never each hold part of what the other needs; releasers do not need mu.
type bodyMemory struct {
	mu    sync.Mutex
	units chan struct{}
}

func newBodyMemory() *bodyMemory {
	return &bodyMemory{units: make(chan struct{}, bodyBudget/bodyUnit)}
}

// acquire takes the units for n bytes, or returns false (holding nothing)
// when done is closed first.
func (m *bodyMemory) acquire(n int64, done <-chan struct{}) (release func(), ok bool) {
	k := int((n + bodyUnit - 1) / bodyUnit)
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range k {
		select {
		case m.units <- struct{}{}:
		case <-done:
			for range i {
				<-m.units
			}
			return nil, false
		}
	}
	return func() {
		for range k {
			<-m.units
		}
	}, true
}

// readBody reads r's body, at most maxBody bytes, within the body budget.
// The error has Status 0 when the client went away while waiting for the
// budget (nothing to answer).
func (s *Sim) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *APIError) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil, nil
	}
	if r.ContentLength > maxBody {
		return nil, tooLarge()
	}
	need := r.ContentLength + 1 // +1: ReadFrom's EOF probe
	if r.ContentLength < 0 {
		need = maxBody + 1
	}
	release, ok := s.bodies.acquire(need, r.Context().Done())
	if !ok {
		return nil, &APIError{}
	}
	defer release()
	body := http.MaxBytesReader(w, r.Body, maxBody)
	fail := func(err error) ([]byte, *APIError) {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge()
		}
		return nil, BadRequest("the request body could not be read: " + err.Error())
	}
	if r.ContentLength > 0 {
		// Exactly the announced length, then a probe for more: a
		// bytes.Buffer would double its capacity at the end.
		buf := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(body, buf); err != nil {
			return fail(err)
		}
		if n, err := body.Read(make([]byte, 1)); n > 0 || (err != nil && err != io.EOF) {
			if err == nil {
				err = errors.New("the body is longer than its Content-Length")
			}
			return fail(err)
		}
		return buf, nil
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(body); err != nil {
		return fail(err)
	}
	return buf.Bytes(), nil
}

// jsonBodyOnly refuses (415) a body whose Content-Type is not JSON: every
// API body is JSON, and a body parsed as JSON whatever its declared type
// is how an unsigned body was once slipped past an AK/SK signature. A body
// without a Content-Type is taken as JSON.
func jsonBodyOnly(r *http.Request, body []byte) *APIError {
	ct := r.Header.Get("Content-Type")
	if len(body) == 0 || ct == "" {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return nil
	}
	return Errf(http.StatusUnsupportedMediaType, CodeInvalidParam, "the request body must be JSON (Content-Type: application/json)")
}

func tooLarge() *APIError {
	return Errf(http.StatusRequestEntityTooLarge, CodeInvalidParam, "the request body is larger than 12 MB, the most the API takes (3.2)")
}

// handlerFunc is an API endpoint. It returns nil after writing a response,
// an *APIError to have it written in the route's style, or another error
// for a 500.
type handlerFunc func(c *Ctx) error

// routeOpts say how a route is guarded.
type routeOpts struct {
	style  Style
	noAuth bool // IAM token endpoint
	admin  bool // /_sim admin endpoints
}

// register adds pattern to mux, served through the request pipeline
// (serve) with the guards of o.
func (s *Sim) register(mux *http.ServeMux, pattern string, o routeOpts, h handlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, pattern, o, h)
	})
}

// serve runs the request pipeline for one route.
func (s *Sim) serve(w http.ResponseWriter, r *http.Request, pattern string, o routeOpts, h handlerFunc) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	defer func() { s.stats.record(pattern, rec.status(), time.Since(start)) }()
	if o.admin {
		s.serveAdmin(rec, r, h)
		return
	}
	if s.cfg.Latency > 0 {
		time.Sleep(s.cfg.Latency)
	}
	if s.injectFault(rec, r, pattern, o) {
		return
	}
	// Credentials are checked from the headers before the body is read;
	// only an AK/SK signature needs the body, to check its hash.
	var pid string
	var signed bool
	if !o.noAuth {
		var aerr *APIError
		if pid, signed, aerr = s.authenticateHeaders(r); aerr != nil {
			writeError(rec, StyleGateway, aerr)
			return
		}
	}
	body, berr := s.readBody(rec, r)
	if berr != nil {
		if berr.Status != 0 {
			writeError(rec, o.style, berr)
		}
		return
	}
	// The answer is rendered into out under the lock and written to the
	// connection after the lock is released: a client that does not read
	// must not hold the state (or the file lock other processes share).
	out := &bufferedResponse{header: http.Header{}}
	c := &Ctx{s: s, W: out, R: r, Body: body, Style: o.style}
	if !o.noAuth {
		if signed {
			var aerr *APIError
			if pid, aerr = s.checkAKSK(r, body); aerr != nil {
				writeError(rec, StyleGateway, aerr)
				return
			}
		}
		c.ProjectID = pid
		if t := r.PathValue("tenant_id"); t != "" && t != pid {
			writeError(rec, o.style, Errf(http.StatusForbidden, CodeForbidden, "the project in the path is not the project you are authenticated for"))
			return
		}
		if !s.allow(pid) {
			rec.Header().Set("Retry-After", strconv.Itoa(s.retryAfterSeconds()))
			writeError(rec, StyleGateway, Errf(http.StatusTooManyRequests, CodeThrottled, "the API request rate of this project is over the limit; retry later"))
			return
		}
	}
	if e := jsonBodyOnly(r, body); e != nil {
		writeError(rec, o.style, e)
		return
	}
	_, err := s.locked(func(now time.Time) (bool, error) {
		c.Now = now
		if c.ProjectID != "" {
			c.P = s.project(c.ProjectID)
			if c.P != nil && s.advance(c.P, c.Now) {
				c.dirty = true
			}
		}
		herr := h(c)
		if herr != nil {
			if ae, ok := herr.(*APIError); ok {
				writeError(out, o.style, ae)
				herr = nil
			}
		}
		return c.dirty, herr
	})
	if err != nil && out.code == 0 {
		writeError(rec, o.style, Errf(http.StatusInternalServerError, CodeSystem, "internal simulator error: "+err.Error()))
		return
	}
	out.writeTo(rec)
}

// bufferedResponse is the http.ResponseWriter handlers write to inside the
// state lock; writeTo sends it to the connection once the lock is free.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}

// writeTo copies the buffered answer to w (nothing when the handler wrote
// nothing, as a handler that answered no status).
func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	if b.code == 0 {
		return
	}
	h := w.Header()
	for k, v := range b.header {
		h[k] = v
	}
	w.WriteHeader(b.code)
	if b.body.Len() > 0 {
		_, _ = w.Write(b.body.Bytes())
	}
}

// allow applies the per-project API gateway throttle.
func (s *Sim) allow(project string) bool {
	if s.cfg.Throttle.Rate <= 0 {
		return true
	}
	s.limMu.Lock()
	l := s.limiters[project]
	if l == nil {
		burst := s.cfg.Throttle.Burst
		if burst < 1 {
			burst = 1
		}
		l = rate.NewLimiter(rate.Limit(s.cfg.Throttle.Rate), burst)
		s.limiters[project] = l
	}
	s.limMu.Unlock()
	return l.AllowN(s.clock.Now(), 1)
}

// retryAfterSeconds is the Retry-After of a throttled answer: the time
// the token bucket needs for one more request, in whole seconds, at least
// 1 (the header has no finer unit, and 0 would invite an instant retry).
func (s *Sim) retryAfterSeconds() int {
	r := s.cfg.Throttle.Rate
	if r <= 0 {
		return 1
	}
	return max(1, int(math.Ceil(1/r)))
}

// injectFault decides, from (seed, endpoint class, per-class counter),
// whether this call is dropped, throttled or answered 5xx. It reports
// whether it answered the request.
func (s *Sim) injectFault(w http.ResponseWriter, r *http.Request, class string, o routeOpts) bool {
	f := s.cfg.Faults
	if f.Error5xx <= 0 && f.Throttle429 <= 0 && f.Drop <= 0 {
		return false
	}
	if o.noAuth && f.ExcludeIAM {
		return false
	}
	if f.ReadOnlySafe && r.Method == http.MethodGet {
		return false
	}
	s.faultMu.Lock()
	s.faultCounts[class]++
	n := s.faultCounts[class]
	s.faultMu.Unlock()
	switch outcome := faultOutcome(s.cfg.Seed, class, n, f); outcome {
	case "drop":
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		writeError(w, StyleGateway, Errf(http.StatusBadGateway, CodeSystem, "injected fault: connection dropped"))
		return true
	case "429":
		w.Header().Set("Retry-After", "1")
		writeError(w, StyleGateway, Errf(http.StatusTooManyRequests, CodeThrottled, "injected fault: the request was throttled; retry later"))
		return true
	case "5xx":
		st := http.StatusInternalServerError
		if n%2 == 0 {
			st = http.StatusServiceUnavailable
		}
		writeError(w, o.style, Errf(st, CodeSystem, "injected fault: a system exception occurred; retry later"))
		return true
	}
	return false
}

// faultOutcome is the pure decision behind injectFault: "", "drop", "429"
// or "5xx". One draw per call, split into bands, so the fractions add up.
func faultOutcome(seed int64, class string, n uint64, f FaultConfig) string {
	u := unit(hash64(seed, "api_fault", class, n))
	switch {
	case u < f.Drop:
		return "drop"
	case u < f.Drop+f.Throttle429:
		return "429"
	case u < f.Drop+f.Throttle429+f.Error5xx:
		return "5xx"
	}
	return ""
}

// isLoopback reports whether the request comes from this machine.
func isLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// serveAdmin guards /_sim endpoints: loopback callers or the admin token.
func (s *Sim) serveAdmin(w http.ResponseWriter, r *http.Request, h handlerFunc) {
	tok := r.Header.Get("X-Sim-Admin-Token")
	if !isLoopback(r) && (s.cfg.AdminToken == "" || tok != s.cfg.AdminToken) {
		writeError(w, StyleGateway, Errf(http.StatusForbidden, CodeForbidden, "the /_sim admin endpoints need a loopback caller or X-Sim-Admin-Token"))
		return
	}
	c := &Ctx{s: s, W: w, R: r, Style: StyleGateway}
	if err := h(c); err != nil {
		if ae, ok := err.(*APIError); ok {
			writeError(w, StyleGateway, ae)
			return
		}
		writeError(w, StyleGateway, Errf(500, CodeSystem, err.Error()))
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.code, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) status() int {
	if !r.wrote {
		return 0 // dropped connection
	}
	return r.code
}

// Hijack lets fault injection drop the connection through the recorder.
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("hijack not supported")
	}
	return hj.Hijack()
}

// trimPrefixFold is strings.CutPrefix ignoring ASCII case.
func trimPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
