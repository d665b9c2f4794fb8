package ecs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

func TestWaitScheduleIsAdaptive(t *testing.T) {
	o := WaitOptions{Expected: 60 * time.Second, MinInterval: time.Second, MaxInterval: 30 * time.Second}
	got := o.Schedule(8)
	want := []time.Duration{60 * time.Second, 6 * time.Second, 9 * time.Second, 13500 * time.Millisecond,
		20250 * time.Millisecond, 30 * time.Second, 30 * time.Second, 30 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("schedule = %v, want %v", got, want)
		}
	}
	// Short jobs: first poll at the expected time, then MinInterval-based growth.
	got = WaitOptions{Expected: 2 * time.Second}.Schedule(4)
	want = []time.Duration{2 * time.Second, time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("short schedule = %v, want %v", got, want)
		}
	}
	// Never a fixed loop: the intervals grow until the cap.
	s := WaitOptions{Expected: time.Second, MaxInterval: 10 * time.Second}.Schedule(12)
	for i := 2; i < len(s); i++ {
		if s[i] < s[i-1] || (s[i] == s[i-1] && s[i] != 10*time.Second) {
			t.Fatalf("not growing to the cap: %v", s)
		}
	}
}

// jobServer answers GET /v1/proj1/jobs/{id} with the next status of a script.
func jobServer(t *testing.T, statuses []string, final string) (*Client, *atomic.Int32) {
	var polls atomic.Int32
	c, _ := akskClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v1/proj1/jobs/job-1" {
			writeJSON(w, 404, `{"error":{"code":"Ecs.0114","message":"no such job"}}`)
			return
		}
		n := int(polls.Add(1)) - 1
		st := statuses[min(n, len(statuses)-1)]
		if st == JobSuccess || st == JobFail {
			writeJSON(w, 200, final)
			return
		}
		writeJSON(w, 200, fmt.Sprintf(`{"job_id":"job-1","job_type":"createServer","status":%q,"end_time":"","entities":{"sub_jobs_total":2,"sub_jobs":[]}}`, st))
	}))
	return c, &polls
}

var fastWait = WaitOptions{Expected: time.Millisecond, MinInterval: time.Millisecond, MaxInterval: 2 * time.Millisecond}

const batchDone = `{"job_id":"job-1","job_type":"createServer","status":"SUCCESS","begin_time":"2026-01-01T00:00:00Z","end_time":"2026-01-01T00:01:00Z",
 "error_code":null,"fail_reason":null,"entities":{"sub_jobs_total":2,"sub_jobs":[
  {"job_id":"s-1","job_type":"createSingleServer","status":"SUCCESS","entities":{"server_id":"srv-1"},"error_code":null,"fail_reason":null},
  {"job_id":"s-2","job_type":"createSingleServer","status":"SUCCESS","entities":{"server_id":"srv-2"},"error_code":null,"fail_reason":null}]}}`

const batchFailed = `{"job_id":"job-1","job_type":"createServer","status":"FAIL","error_code":"Ecs.0111","fail_reason":"quota exceeded",
 "entities":{"sub_jobs_total":2,"sub_jobs":[
  {"job_id":"s-1","status":"SUCCESS","entities":{"server_id":"srv-1"}},
  {"job_id":"s-2","status":"FAIL","entities":{"server_id":"srv-2"},"error_code":"Ecs.0111","fail_reason":"quota exceeded"}]}}`

func TestWaitJobPollsUntilSuccessAndMapsSubJobs(t *testing.T) {
	c, polls := jobServer(t, []string{JobInit, JobRunning, JobRunning, JobSuccess}, batchDone)
	var seen []string
	opts := fastWait
	opts.OnPoll = func(j *Job) { seen = append(seen, j.Status) }
	j, err := c.WaitJob(context.Background(), "job-1", opts)
	if err != nil {
		t.Fatal(err)
	}
	if polls.Load() != 4 || len(seen) != 4 || seen[3] != JobSuccess {
		t.Errorf("polls=%d seen=%v", polls.Load(), seen)
	}
	if len(j.SubJobs) != 2 || j.SubJobs[1].Entities.ServerID != "srv-2" {
		t.Errorf("SubJobs = %+v", j.SubJobs)
	}
	res := j.ServerResults()
	if len(res) != 2 || res[0].ServerID != "srv-1" || res[1].ServerID != "srv-2" || res[1].Status != JobSuccess {
		t.Errorf("results = %+v", res)
	}
}

func TestWaitJobFailureCarriesTheJob(t *testing.T) {
	c, _ := jobServer(t, []string{JobRunning, JobFail}, batchFailed)
	j, err := c.WaitJob(context.Background(), "job-1", fastWait)
	var je *JobError
	if !errors.As(err, &je) || je.Job != j || j == nil {
		t.Fatalf("err = %v, job = %v", err, j)
	}
	res := j.ServerResults()
	if len(res) != 2 || res[1].Status != JobFail || res[1].ErrorCode != "Ecs.0111" || res[1].FailReason != "quota exceeded" || res[0].Status != JobSuccess {
		t.Errorf("results = %+v", res)
	}
	if Classify(err) != Permanent {
		t.Errorf("class = %v", Classify(err))
	}
	if want := "ecs: job job-1 (createServer) failed: Ecs.0111: quota exceeded (1 of 2 sub-jobs failed)"; err.Error() != want {
		t.Errorf("message = %q", err.Error())
	}
}

func TestWaitJobIsCancellable(t *testing.T) {
	c, polls := jobServer(t, []string{JobRunning}, "")
	ctx, cancel := context.WithCancel(context.Background())
	opts := fastWait
	opts.OnPoll = func(*Job) {
		if polls.Load() == 3 {
			cancel()
		}
	}
	j, err := c.WaitJob(ctx, "job-1", opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if j == nil || j.Status != JobRunning {
		t.Errorf("the last job read should come back, got %+v", j)
	}
	if polls.Load() != 3 {
		t.Errorf("polled %d times after cancellation at 3", polls.Load())
	}
}

func TestWaitJobUnknownJobIsAnError(t *testing.T) {
	c, _ := jobServer(t, []string{JobRunning}, "")
	_, err := c.WaitJob(context.Background(), "nope", fastWait)
	if !IsNotFound(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestWaitJobRidesOutFlakyPolls(t *testing.T) {
	// 4 answers of 503 exhaust one GetJob's transport retries (testRetry has
	// 4 attempts); WaitJob keeps polling and sees the job finish.
	var answers []func(http.ResponseWriter, *http.Request)
	for range 6 {
		answers = append(answers, answer(503, `{"error":{"code":"Ecs.0000","message":"busy"}}`))
	}
	answers = append(answers, answer(200, `{"job_id":"job-1","status":"RUNNING","entities":{}}`), answer(200, batchDone))
	s := &scripted{answers: answers}
	c, _ := akskClient(t, s)
	j, err := c.WaitJob(context.Background(), "job-1", fastWait)
	if err != nil || j.Status != JobSuccess {
		t.Fatalf("job %+v err %v", j, err)
	}
	if n := s.calls.Load(); n != 8 {
		t.Errorf("%d calls, want 8", n)
	}
	// A job that cannot be read at all still ends with the error.
	s2 := &scripted{answers: []func(http.ResponseWriter, *http.Request){answer(503, `{}`)}}
	c2, _ := akskClient(t, s2)
	if _, err := c2.WaitJob(context.Background(), "job-1", fastWait); !IsTransient(err) {
		t.Fatalf("err = %v", err)
	}
	if n := s2.calls.Load(); n != int32((maxPollFailures+1)*testRetry.MaxAttempts) {
		t.Errorf("%d calls, want %d (bounded)", n, (maxPollFailures+1)*testRetry.MaxAttempts)
	}
}

// ByProgress: once part of a batch job has ended, the wait is half the
// time the rest should take at the rate seen, within MinInterval and the
// cap; before any sub-job ended, or without sub-jobs, the default
// schedule stays.
func TestPollWaitByProgress(t *testing.T) {
	job := func(done, total int) *Job {
		j := &Job{Status: JobRunning}
		for i := range total {
			st := JobRunning
			if i < done {
				st = JobSuccess
			}
			j.SubJobs = append(j.SubJobs, SubJob{Status: st})
		}
		return j
	}
	o := WaitOptions{MinInterval: time.Second, ByProgress: 2 * time.Minute}
	for _, tc := range []struct {
		done, total int
		elapsed     time.Duration
		want        time.Duration
		ok          bool
	}{
		{20, 1000, 60 * time.Second, 2 * time.Minute, true},    // 49 min left: capped
		{900, 1000, 2700 * time.Second, 2 * time.Minute, true}, // 5 min left: half is 150 s, capped
		{990, 1000, 2970 * time.Second, 15 * time.Second, true},
		{999, 1000, 2997 * time.Second, 1500 * time.Millisecond, true},
		{1000, 1000, time.Hour, 0, false}, // all ended: the job's own status decides
		{0, 1000, time.Minute, 0, false},
		{0, 0, time.Minute, 0, false},
	} {
		w, ok := o.progressWait(job(tc.done, tc.total), tc.elapsed)
		if tc.want > o.ByProgress {
			tc.want = o.ByProgress
		}
		if ok != tc.ok || w != tc.want {
			t.Errorf("%d/%d after %s: wait %s %t, want %s %t", tc.done, tc.total, tc.elapsed, w, ok, tc.want, tc.ok)
		}
	}
	if w, ok := (WaitOptions{MinInterval: time.Second}).progressWait(job(1, 2), time.Minute); ok || w != 0 {
		t.Errorf("without ByProgress: %s %t", w, ok)
	}
}
