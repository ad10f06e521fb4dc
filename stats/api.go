package stats

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/consentproxy/consentproxy"
)

//go:embed openapi.json
var openAPI []byte

// Config configures the query API.
type Config struct {
	// Store answers the queries. Required.
	Store consentproxy.Store
	// MinCount is the smallest visitor count (hit count for tables without
	// visitors) a row may show; smaller rows fold into "(other)". Default 5.
	MinCount int
	// Realtime returns a site's visitors in the last 5 minutes, from memory.
	// Default nil: /api/v1/realtime answers 503.
	Realtime func(site string) int
	// RealtimeTop returns the same visitors by current page and by source
	// (aggregate.Aggregator.RealtimeTop). Default nil: the realtime answer
	// has no top lists.
	RealtimeTop func(site string) (pages, sources map[string]int)
	// Authorize admits a request for a site; nil allows every request. It
	// returns a *consentproxy.Error (EUNAUTH, EFORBIDDEN, ERATELIMIT) to refuse.
	Authorize func(c *fiber.Ctx, site string) error
	// Now is the clock for named periods. Default time.Now.
	Now func() time.Time
	// Timeout bounds one query's engine time. Default 30s.
	Timeout time.Duration
	// Rollups returns the time before which the store's daily and monthly
	// rollups are complete (rollup.Tracker.Frontier); queries read them
	// there and hourly rows elsewhere. Default nil: hourly rows only.
	Rollups func() time.Time
	// Goals lists the goals and funnels that apply to a site, for
	// /api/v1/goals. Default nil: none.
	Goals func(site string) ([]GoalDef, []FunnelDef)
	// PageCountries says the proxy writes the page_countries breakdown
	// (--breakdowns page_country). Default false: page × country is
	// refused, with how to turn it on.
	PageCountries bool
	// ReportNotes are lines the compliance report (/api/v1/report) prints
	// as the settings in force: what DNT, GPC, the IP and the regions do
	// here. Default none.
	ReportNotes []string
}

// API serves /api/v1/query, /api/v1/realtime, /api/v1/report (the
// compliance report) and /api/v1/openapi.json.
type API struct {
	cfg Config
}

func (a *API) frontier() time.Time {
	if a.cfg.Rollups == nil {
		return time.Time{}
	}
	return a.cfg.Rollups()
}

// New checks cfg and fills in defaults.
func New(cfg Config) (*API, error) {
	if cfg.Store == nil {
		return nil, errors.New("stats: Config.Store is required")
	}
	if cfg.MinCount < 0 {
		return nil, errors.New("stats: Config.MinCount must not be negative")
	}
	if cfg.MinCount == 0 {
		cfg.MinCount = 5
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &API{cfg: cfg}, nil
}

// Routes are the routes Register mounts, as "METHOD path".
var Routes = []string{"GET /api/v1/query", "POST /api/v1/query", "GET /api/v1/realtime", "GET /api/v1/report", "GET /api/v1/goals", "GET /api/v1/openapi.json"}

// Register mounts the API on r.
func (a *API) Register(r fiber.Router) {
	r.Get("/api/v1/query", a.query)
	r.Post("/api/v1/query", a.query)
	r.Get("/api/v1/realtime", a.realtime)
	r.Get("/api/v1/report", a.serveReport)
	r.Get("/api/v1/goals", a.goalsList)
	r.Get("/api/v1/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Send(openAPI)
	})
}

func (a *API) query(c *fiber.Ctx) error {
	var q Query
	var err error
	if c.Method() == fiber.MethodPost {
		q, err = ParseJSON(c.Body())
	} else {
		q, err = ParseValues(queryValues(c))
	}
	if err != nil {
		return err
	}
	p, err := validate(q, a.cfg.Now())
	if err != nil {
		return err
	}
	if a.cfg.Authorize != nil {
		if err := a.cfg.Authorize(c, p.q.Site); err != nil {
			return err
		}
	}
	ctx, cancel := contextWithTimeout(c, a.cfg.Timeout)
	defer cancel()
	res, err := a.answerPlan(ctx, p) // the plan Authorize saw: validated once
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if wantsCSV(c) {
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="consentproxy.csv"`)
		return c.Send(csvBytes(p, res))
	}
	return c.JSON(res)
}

// answer runs one query as the API would answer it, comparison included.
func (a *API) answer(ctx context.Context, q Query) (*plan, Response, error) {
	p, err := validate(q, a.cfg.Now())
	if err != nil {
		return nil, Response{}, err
	}
	res, err := a.answerPlan(ctx, p)
	return p, res, err
}

// answerPlan runs a validated plan: the opt-in breakdown's check, the
// read, suppression and the comparison.
func (a *API) answerPlan(ctx context.Context, p *plan) (Response, error) {
	if p.fam != nil && p.fam.table.Name == consentproxy.TablePageCountries.Name && !a.cfg.PageCountries {
		return Response{}, invalid("page × country is a breakdown the site owner opts into: start the proxy with --breakdowns page_country " +
			"(it counts from then on). Without it, no stored row links a visitor's page to their country")
	}
	rows, err := p.run(ctx, a.cfg.Store, a.frontier())
	if err != nil {
		return Response{}, err
	}
	res := p.shape(rows, a.cfg.MinCount)
	if p.q.Compare != "" {
		cp := p.comparePlan()
		prev, err := cp.run(ctx, a.cfg.Store, a.frontier())
		if err != nil {
			return Response{}, err
		}
		p.compare(&res, cp, prev, a.cfg.MinCount)
	}
	return res, nil
}

func wantsCSV(c *fiber.Ctx) bool {
	if f := c.Query("format"); f != "" {
		return f == "csv"
	}
	return strings.Contains(c.Get(fiber.HeaderAccept), "text/csv")
}

func (a *API) realtime(c *fiber.Ctx) error {
	site := c.Query("site")
	if site == "" || len(site) > 200 || !printable(site) {
		return invalid("site is required: the measurement id of one site")
	}
	if a.cfg.Authorize != nil {
		if err := a.cfg.Authorize(c, site); err != nil {
			return err
		}
	}
	if a.cfg.Realtime == nil {
		return consentproxy.Errorf(consentproxy.EUNAVAIL, "realtime counts are not enabled on this server")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	out := fiber.Map{"site": site, "visitors": a.cfg.Realtime(site), "window_seconds": 300}
	if a.cfg.RealtimeTop != nil {
		pages, sources := a.cfg.RealtimeTop(site)
		p, wp := topCounts(pages, "page", a.cfg.MinCount)
		s, ws := topCounts(sources, "source", a.cfg.MinCount)
		out["pages"], out["sources"], out["withheld_rows"], out["min_count"] = p, s, wp+ws, a.cfg.MinCount
	}
	return c.JSON(out)
}

// realtimeTop is how many rows a realtime top list shows.
const realtimeTop = 10

// topCounts is a realtime top list: the largest counts first (ties by
// name), at most realtimeTop, rows under minCount withheld and counted.
func topCounts(m map[string]int, key string, minCount int) ([]fiber.Map, int) {
	type kv struct {
		k string
		n int
	}
	var all []kv
	withheld := 0
	for k, n := range m {
		if n < minCount {
			withheld++
			continue
		}
		all = append(all, kv{k, n})
	}
	slices.SortFunc(all, func(a, b kv) int { return cmp.Or(cmp.Compare(b.n, a.n), strings.Compare(a.k, b.k)) })
	out := []fiber.Map{}
	for i, e := range all {
		if i == realtimeTop {
			break
		}
		out = append(out, fiber.Map{key: e.k, "visitors": e.n})
	}
	return out, withheld
}
