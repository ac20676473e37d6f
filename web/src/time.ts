import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import relativeTime from 'dayjs/plugin/relativeTime';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

/** Every date the app shows is Beijing time, whatever the device's zone. */
dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(relativeTime);
dayjs.locale('zh-cn');
export const beijing = 'Asia/Shanghai';
dayjs.tz.setDefault(beijing);

export const inBeijing = (iso: string | number | Date) => dayjs(iso).tz(beijing);

/** 2026-12-07 09:30 */
export const formatTime = (iso: string | null | undefined) => (iso ? inBeijing(iso).format('YYYY-MM-DD HH:mm') : '—');
export const formatDate = (iso: string | null | undefined) => (iso ? inBeijing(iso).format('YYYY-MM-DD') : '—');

/** 还剩2天3小时 / 已逾期5小时 */
export function timeLeft(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const span = days > 0 ? `${days}天${hours}小时` : hours > 0 ? `${hours}小时${minutes}分钟` : `${Math.max(minutes, 1)}分钟`;
  return ms >= 0 ? `还剩${span}` : `已逾期${span}`;
}

export { dayjs };
