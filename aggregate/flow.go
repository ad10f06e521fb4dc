package aggregate

// flow counts a hit on a page in page_flow: a page view adds a view and
// makes the page the visit's exit, taking the exit back from the visit's
// previous page view's row (in that view's hour, like a bounce correction:
// if that hour is gone, the exit stays counted there); a scroll event adds
// a scroll. The caller holds sh.mu; s.page is still the previous view.
func (a *Aggregator) flow(sh *shard, s *session, dk *dayKeys, base uint64, hour int64, path string, pageView, scroll bool) {
	if !pageView && !scroll {
		return
	}
	r := sh.row(a.reg, tPageFlow, s.site(), hour, dimKey{path})
	if scroll {
		r.m.Events++
	}
	if pageView {
		r.m.Pageviews++
		r.m.Visits++
		r.vis.add(dk.tableHash(tPageFlow, base))
		if prev := s.page; prev != nil {
			if prev.key.hour < a.watermark.Load() {
				a.lostFix.Add(1)
			} else {
				p := sh.row(a.reg, tPageFlow, prev.key.site, prev.key.hour, dimKey{prev.key.d[0]})
				p.m.Visits--
				sh.touch(p)
			}
		}
	}
	sh.touch(r)
}
